CREATE TABLE "entries" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"status" text DEFAULT 'CREATED' NOT NULL,
	"progress" smallint DEFAULT 0 NOT NULL,
	"result" text,
	"error" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"run_after" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_by" text,
	"locked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entries_status_check" CHECK ("entries"."status" IN ('CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED', 'FAILED')),
	CONSTRAINT "entries_progress_check" CHECK ("entries"."progress" BETWEEN 0 AND 100),
	CONSTRAINT "entries_attempts_check" CHECK ("entries"."attempts" >= 0)
);
--> statement-breakpoint
CREATE TABLE "entry_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "entry_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"entry_id" text NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"worker_id" text,
	"message" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "entry_events" ADD CONSTRAINT "entry_events_entry_id_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."entries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "entries_claimable_idx" ON "entries" USING btree ("id") WHERE "entries"."status" IN ('CREATED', 'STAGE_1', 'STAGE_2');--> statement-breakpoint
CREATE INDEX "entries_status_id_idx" ON "entries" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "entry_events_entry_idx" ON "entry_events" USING btree ("entry_id","id");