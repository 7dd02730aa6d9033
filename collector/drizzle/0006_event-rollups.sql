CREATE TABLE `event_rollups` (
	`website_id` text NOT NULL,
	`hour` integer NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`events` integer NOT NULL,
	PRIMARY KEY(`website_id`, `hour`, `type`, `name`, `path`)
);
--> statement-breakpoint
DROP INDEX `sessions_website_started_idx`;--> statement-breakpoint
CREATE INDEX `sessions_website_started_idx` ON `sessions` (`website_id`,`started_at`,`visitor_id`,`pageviews`,`ended_at`);--> statement-breakpoint
-- the rollup of the events stored before it existed
INSERT INTO `event_rollups` (`website_id`, `hour`, `type`, `name`, `path`, `events`)
SELECT `website_id`, `ts` - `ts` % 3600000, `type`, coalesce(`name`, ''), coalesce(`path`, ''), count(*)
FROM `events` GROUP BY 1, 2, 3, 4, 5;
