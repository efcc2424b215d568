-- Custom migration (drizzle-kit generate --custom): data dirs made before entry_counts existed
-- already hold entries; seed the counts log with them so the list's counts stay exact.
INSERT INTO entry_counts (status, delta) SELECT status, count(*) FROM entries GROUP BY status;
