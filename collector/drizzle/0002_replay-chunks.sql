CREATE TABLE `replay_chunks` (
	`website_id` text NOT NULL,
	`session_id` text NOT NULL,
	`id` text NOT NULL,
	`seq` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`event_count` integer NOT NULL,
	`raw_bytes` integer NOT NULL,
	`stored_bytes` integer NOT NULL,
	`data` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`website_id`, `session_id`, `start_ts`, `id`)
);
--> statement-breakpoint
CREATE INDEX `replay_chunks_order_idx` ON `replay_chunks` (`website_id`,`session_id`,`start_ts`,`seq`);--> statement-breakpoint
CREATE TABLE `replay_usage` (
	`website_id` text NOT NULL,
	`day` text NOT NULL,
	`stored_bytes` integer DEFAULT 0 NOT NULL,
	`chunks` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`website_id`, `day`)
);
