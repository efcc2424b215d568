-- Custom migration: run_after now means "not before, after a failed attempt's backoff" and NULL
-- means "at once". Entries that have not failed an attempt carried their creation time here, which a
-- clock stepped back would turn into a wait; clear it. Finished entries never run again: clear it too.
UPDATE entries SET run_after = NULL WHERE attempts = 0 OR status IN ('COMPLETED', 'FAILED');
