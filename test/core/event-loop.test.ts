import { describe, expect, it } from 'vitest';
import { ok, openTestCore, waitFor } from '../support/core';

describe('a busy pool and the event loop', () => {
  it('leaves room for timers and calls while workers drain a backlog with no stage delay', async () => {
    const seeder = await openTestCore({ workers: 0 });
    const N = 300;
    for (let i = 0; i < N; i++) await ok(seeder.invoke('entries:create', { title: `busy ${i}` }));
    await seeder.close();

    const core = await openTestCore({ dataDir: seeder.dataDir, workers: 4, stageDelayMs: 0 });
    let completed = 0;
    core.events.on('transition', ({ entry }) => {
      if (entry.status === 'COMPLETED') completed++;
    });
    await waitFor(() => completed > 0 || undefined, 'the pool to start');
    // PGlite answers without I/O: a loop that never yields would chain microtasks until the whole
    // backlog is done, and this timer (like heartbeats, maintenance and IPC) would wait for it.
    const completedWhenTimerFired = await new Promise<number>((resolve) => setTimeout(() => resolve(completed), 5));
    expect(completedWhenTimerFired).toBeLessThan(N);
    const page = await ok(core.invoke('entries:list', { limit: 1 }));
    expect(page.counts.COMPLETED).toBeLessThan(N);
    await waitFor(() => completed === N || undefined, 'the backlog to drain', 120_000);
  });
});
