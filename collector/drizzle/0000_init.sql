CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`scopes` text NOT NULL,
	`website_id` text,
	`user_id` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`expires_at` integer,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_website_idx` ON `api_keys` (`website_id`);--> statement-breakpoint
CREATE TABLE `bot_drops` (
	`website_id` text NOT NULL,
	`day` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`website_id`, `day`, `reason`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`website_id` text NOT NULL,
	`ts` integer NOT NULL,
	`id` text NOT NULL,
	`session_id` text NOT NULL,
	`visitor_id` text NOT NULL,
	`user_id` text,
	`type` text NOT NULL,
	`name` text,
	`path` text,
	`hostname` text,
	`title` text,
	`referrer` text,
	`scroll_depth` integer,
	`engaged_ms` integer,
	`props` text,
	PRIMARY KEY(`website_id`, `ts`, `id`)
);
--> statement-breakpoint
CREATE INDEX `events_session_idx` ON `events` (`session_id`,`ts`);--> statement-breakpoint
CREATE TABLE `replay_chunks` (
	`website_id` text NOT NULL,
	`session_id` text NOT NULL,
	`seq` integer NOT NULL,
	`start_ts` integer NOT NULL,
	`end_ts` integer NOT NULL,
	`event_count` integer NOT NULL,
	`raw_bytes` integer NOT NULL,
	`stored_bytes` integer NOT NULL,
	`data` blob NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`website_id`, `session_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `salts` (
	`day` text PRIMARY KEY NOT NULL,
	`salt` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
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
	PRIMARY KEY(`website_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `sessions_id_idx` ON `sessions` (`id`);--> statement-breakpoint
CREATE INDEX `sessions_website_started_idx` ON `sessions` (`website_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_visitor_idx` ON `sessions` (`website_id`,`visitor_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `websites` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`domain` text NOT NULL,
	`allowed_domains` text DEFAULT '[]' NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`public_stats` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
