CREATE TABLE "queue_settings" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"paused" boolean DEFAULT false NOT NULL,
	"workers" smallint,
	"stage_delay_ms" integer,
	"retention_days" integer DEFAULT 30 NOT NULL,
	"notify_on_failure" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "queue_settings_one_row" CHECK ("queue_settings"."id" = 1),
	CONSTRAINT "queue_settings_workers_check" CHECK ("queue_settings"."workers" IS NULL OR "queue_settings"."workers" BETWEEN 1 AND 64),
	CONSTRAINT "queue_settings_delay_check" CHECK ("queue_settings"."stage_delay_ms" IS NULL OR "queue_settings"."stage_delay_ms" BETWEEN 0 AND 600000),
	CONSTRAINT "queue_settings_retention_check" CHECK ("queue_settings"."retention_days" BETWEEN 0 AND 36500)
);
--> statement-breakpoint
CREATE TABLE "stats_durations" (
	"minute" timestamp with time zone NOT NULL,
	"stage" smallint NOT NULL,
	"bucket" smallint NOT NULL,
	"runs" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_durations_minute_stage_bucket_pk" PRIMARY KEY("minute","stage","bucket")
);
--> statement-breakpoint
CREATE TABLE "stats_fold" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"last_event_id" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "stats_fold_one_row" CHECK ("stats_fold"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "stats_minutes" (
	"minute" timestamp with time zone PRIMARY KEY NOT NULL,
	"completed" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cancelled" integer DEFAULT 0 NOT NULL,
	"failed_attempts" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entries" DROP CONSTRAINT "entries_status_check";--> statement-breakpoint
ALTER TABLE "entry_events" ADD COLUMN "stage" smallint;--> statement-breakpoint
ALTER TABLE "entry_events" ADD COLUMN "duration_ms" integer;--> statement-breakpoint
ALTER TABLE "entries" ADD CONSTRAINT "entries_status_check" CHECK ("entries"."status" IN ('CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED', 'FAILED', 'CANCELLED'));--> statement-breakpoint
-- The one settings row and the one fold row (added by hand: drizzle-kit does not generate data).
-- Retention is 30 days on a new install; an install upgraded with entries already in it keeps them
-- ("never", 0) until the person chooses a retention: an upgrade must not delete anyone's history.
INSERT INTO "queue_settings" ("id", "retention_days")
  VALUES (1, CASE WHEN EXISTS (SELECT 1 FROM "entries") THEN 0 ELSE 30 END) ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "stats_fold" ("id") VALUES (1) ON CONFLICT DO NOTHING;
