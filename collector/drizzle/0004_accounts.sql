CREATE TABLE `auth_sessions` (
	`hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`user_agent` text
);
--> statement-breakpoint
CREATE INDEX `auth_sessions_user_idx` ON `auth_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `user_websites` (
	`user_id` text NOT NULL,
	`website_id` text NOT NULL,
	PRIMARY KEY(`user_id`, `website_id`)
);
--> statement-breakpoint
CREATE INDEX `user_websites_website_idx` ON `user_websites` (`website_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `name` text;--> statement-breakpoint
ALTER TABLE `users` ADD `invite_hash` text;--> statement-breakpoint
ALTER TABLE `users` ADD `invite_expires_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `failed_logins` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `locked_until` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `last_login_at` integer;