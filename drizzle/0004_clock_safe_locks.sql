ALTER TABLE "entries" ALTER COLUMN "run_after" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "entries" ALTER COLUMN "run_after" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "rescue_requested_at" timestamp with time zone;