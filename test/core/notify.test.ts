import { describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/main/core/drivers/embedded';
import { findMigrationsFolder } from '../../src/main/core/drivers/migrations';
import { createStore } from '../../src/main/core/store';

describe('the follow-up NOTIFY of shared mode', () => {
  it('never turns a committed write into an error when the NOTIFY itself fails', async () => {
    const db = await openEmbedded({ migrationsFolder: findMigrationsFolder() });
    try {
      // Postgres rejects channel names over 63 bytes: this NOTIFY always fails.
      const store = createStore(db.sql, { notifyChannel: 'x'.repeat(100) });
      const entry = await store.create('01TESTNOTIFY', 'kept despite NOTIFY failing');
      expect(entry.title).toBe('kept despite NOTIFY failing');
      expect((await store.get('01TESTNOTIFY'))?.title).toBe('kept despite NOTIFY failing');
      await expect(db.sql.query('SELECT pg_notify($1, $2)', ['x'.repeat(100), '1'])).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});
