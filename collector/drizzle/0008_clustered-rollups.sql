-- The hourly event rollup becomes a clustered (WITHOUT ROWID) table ordered by its primary key:
-- a range of a site's hours is read from the table itself instead of through the key's index and
-- a lookup of each row's count (30 days of a 1 M-event site, 194 k rows: 72 → 22 ms). Its rows
-- are small, which is what WITHOUT ROWID is for. drizzle-kit cannot declare WITHOUT ROWID; this
-- file is written by hand.
CREATE TABLE `__new_event_rollups` (
	`website_id` text NOT NULL,
	`hour` integer NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`events` integer NOT NULL,
	PRIMARY KEY(`website_id`, `hour`, `type`, `name`, `path`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_event_rollups` (`website_id`, `hour`, `type`, `name`, `path`, `events`)
SELECT `website_id`, `hour`, `type`, `name`, `path`, `events` FROM `event_rollups`
ORDER BY `website_id`, `hour`, `type`, `name`, `path`;--> statement-breakpoint
DROP TABLE `event_rollups`;--> statement-breakpoint
ALTER TABLE `__new_event_rollups` RENAME TO `event_rollups`;
