-- Custom migration: a trigram index for search (store.ts, SEARCH_TEXT). A search matches the id,
-- title, error and result anywhere in their text, which no B-tree serves: without this index every
-- search scans the table (~350 ms at 100k rows on PGlite; bench/search.ts). pg_trgm ships with PGlite
-- (drivers/embedded.ts loads it) and with PostgreSQL's contrib.
-- The extension goes in public, never in an app schema: dropping one app schema must not take the
-- extension, and so every other schema's index, with it. Where it cannot be created (no privilege,
-- contrib not installed) the migration still succeeds and search scans, as before.
DO $$
DECLARE
  nsp text;
BEGIN
  SELECT n.nspname INTO nsp FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
  IF nsp IS NULL THEN
    BEGIN
      CREATE EXTENSION pg_trgm SCHEMA public;
      nsp := 'public';
    EXCEPTION WHEN OTHERS THEN
      -- Another process sharing the server may have created it a moment ago.
      SELECT n.nspname INTO nsp FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
      IF nsp IS NULL THEN
        RAISE NOTICE 'pg_trgm is not available (%); search will scan the entries table', SQLERRM;
        RETURN;
      END IF;
    END;
  END IF;
  -- The expression must stay exactly store.ts's SEARCH_TEXT, or the planner will not use the index.
  EXECUTE format(
    'CREATE INDEX entries_search_idx ON entries USING gin ((id || chr(31) || title || chr(31) || coalesce(error, %L) || chr(31) || coalesce(result, %L)) %I.gin_trgm_ops)',
    '', '', nsp);
END $$;
