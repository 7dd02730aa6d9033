-- Sessions become a clustered (WITHOUT ROWID) table ordered by (website, start, id): a range of
-- a site's sessions is read from the table itself, and a touch of a known session rewrites one
-- page. Before, every touch also rewrote an entry of the covering index
-- (website, start, visitor, pageviews, ended_at), a second random page per request; the table is
-- that index now. (Events stay a rowid table: clustered by (website, ts, id) their inserts, whose
-- client timestamps interleave, cost 50% more per event; measured in docs/benchmarks.md.)
-- drizzle-kit cannot declare WITHOUT ROWID; this file is edited by hand.
CREATE TABLE `__new_sessions` (
	`website_id` text NOT NULL,
	`id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`user_id` text,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`pageviews` integer DEFAULT 0 NOT NULL,
	`clicks` integer DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`entry_path` text,
	`exit_path` text,
	`hostname` text,
	`referrer` text,
	`source` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`browser` text,
	`browser_version` text,
	`os` text,
	`device` text,
	`screen` text,
	`language` text,
	`country` text,
	`cookieless` integer DEFAULT false NOT NULL,
	`replay_chunks` integer DEFAULT 0 NOT NULL,
	`replay_events` integer DEFAULT 0 NOT NULL,
	`replay_bytes` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`website_id`, `started_at`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_sessions`("website_id", "id", "visitor_id", "user_id", "started_at", "ended_at", "pageviews", "clicks", "events", "entry_path", "exit_path", "hostname", "referrer", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "browser", "browser_version", "os", "device", "screen", "language", "country", "cookieless", "replay_chunks", "replay_events", "replay_bytes") SELECT "website_id", "id", "visitor_id", "user_id", "started_at", "ended_at", "pageviews", "clicks", "events", "entry_path", "exit_path", "hostname", "referrer", "source", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "browser", "browser_version", "os", "device", "screen", "language", "country", "cookieless", "replay_chunks", "replay_events", "replay_bytes" FROM `sessions` ORDER BY "website_id", "started_at", "id";--> statement-breakpoint
DROP TABLE `sessions`;--> statement-breakpoint
ALTER TABLE `__new_sessions` RENAME TO `sessions`;--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_key` ON `sessions` (`website_id`,`id`);--> statement-breakpoint
CREATE INDEX `sessions_id_idx` ON `sessions` (`id`);--> statement-breakpoint
CREATE INDEX `sessions_started_idx` ON `sessions` (`started_at`,`id`,`website_id`);--> statement-breakpoint
CREATE INDEX `sessions_visitor_idx` ON `sessions` (`website_id`,`visitor_id`,`started_at`);