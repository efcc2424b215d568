-- Custom migration: leave room on each page so claims and heartbeats (which change no indexed
-- column) are HOT updates in place, instead of new row versions plus index entries elsewhere.
ALTER TABLE entries SET (fillfactor = 70);
