-- Added by hand: room on each page for the row versions a move to the next stage writes in place
-- (a HOT update needs the new version on the same page). Set before ADD COLUMN, whose rewrite of the
-- table then lays the existing rows out with that room. 40: at 70 a claim of consecutive entries
-- filled their page, and on a server only 3,591 of 9,000 claims and moves stayed on it (7,111 at 40;
-- BENCHMARKS.md, issue 12).
ALTER TABLE "entries" SET (fillfactor = 40);--> statement-breakpoint
DROP INDEX "entries_status_id_idx";--> statement-breakpoint
DROP INDEX "entries_claimable_idx";--> statement-breakpoint
ALTER TABLE "entries" ADD COLUMN "final_status" text GENERATED ALWAYS AS (CASE WHEN status IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN status END) STORED;--> statement-breakpoint
CREATE INDEX "entries_final_status_id_idx" ON "entries" USING btree ("final_status","id") WHERE "entries"."final_status" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "entries_claimable_idx" ON "entries" USING btree ("id") WHERE "entries"."final_status" IS NULL;