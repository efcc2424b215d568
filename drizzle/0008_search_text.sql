ALTER TABLE "entries" ADD COLUMN "search_text" text GENERATED ALWAYS AS (lower(id || chr(31) || title || chr(31) || coalesce(error, '') || chr(31) || coalesce(result, ''))) STORED;--> statement-breakpoint
-- Added by hand: the trigram index moves from 0006's expression to the stored, lower-cased column
-- (store.ts, "Search"), which a plain LIKE reads. Where pg_trgm is missing (see 0006) search scans.
DROP INDEX IF EXISTS entries_search_idx;--> statement-breakpoint
DO $$
DECLARE
  nsp text;
BEGIN
  SELECT n.nspname INTO nsp FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF nsp IS NULL THEN
    RAISE NOTICE 'pg_trgm is not available; search will scan the entries table';
    RETURN;
  END IF;
  EXECUTE format('CREATE INDEX entries_search_text_idx ON entries USING gin (search_text %I.gin_trgm_ops)', nsp);
END $$;
