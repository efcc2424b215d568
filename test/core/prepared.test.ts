import { describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/main/core/drivers/embedded';
import { findMigrationsFolder } from '../../src/main/core/drivers/migrations';

describe('prepared statements on PGlite', () => {
  it('shares one PREPARE between concurrent first calls', async () => {
    const db = await openEmbedded({ migrationsFolder: findMigrationsFolder() });
    try {
      const calls = Array.from({ length: 8 }, (_, i) =>
        db.sql.prepared<{ v: number }>('entryflow_test_concurrent', 'SELECT $1::int + 1 AS v', ['int'], [i]),
      );
      const rows = await Promise.all(calls);
      expect(rows.map((r) => r[0]?.v)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      await db.close();
    }
  });

  it('tries a failed PREPARE again instead of caching the failure', async () => {
    const db = await openEmbedded({ migrationsFolder: findMigrationsFolder() });
    try {
      await expect(db.sql.prepared('entryflow_test_bad', 'SELECT * FROM no_such_table', [], [])).rejects.toThrow();
      await db.sql.exec('CREATE TABLE no_such_table (v int); INSERT INTO no_such_table VALUES (7)');
      expect(await db.sql.prepared('entryflow_test_bad', 'SELECT * FROM no_such_table', [], [])).toEqual([{ v: 7 }]);
    } finally {
      await db.close();
    }
  });
});
