/**
 * close({ graceMs: 0 }): the OS is ending the session, so in-flight stages are aborted and released
 * at once instead of being given shutdownGraceMs; the entry keeps its attempt (release refunds it).
 */
import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { openCore } from '../../src/main/core/index';
import { freshDataDir, ok, track } from '../support/core';

describe('closing the core', () => {
  it('with graceMs 0 aborts a running stage at once and gives its entry back', async () => {
    const dataDir = freshDataDir();
    let aborted = false;
    const core = track(
      await openCore({
        dataDir,
        workers: 1,
        idlePollMs: 20,
        // A grace the test would time out on if close() honoured it.
        shutdownGraceMs: 600_000,
        pipeline: [
          {
            name: 'waits for its signal',
            run: ({ signal }) =>
              new Promise((_, reject) => {
                signal.addEventListener('abort', () => {
                  aborted = true;
                  reject(new Error('aborted'));
                });
              }),
          },
        ],
      }),
    );
    const claimed = once(core.events, 'claimed');
    const { id } = await ok(core.invoke('entries:create', { title: 'in flight at log-off' }));
    await claimed;
    await core.close({ graceMs: 0 });
    expect(aborted).toBe(true);

    const again = track(await openCore({ dataDir, workers: 0 }));
    const entry = await ok(again.invoke('entries:get', { id }));
    // Released by the closing loop itself (no "released at startup" note), with the attempt refunded.
    expect(entry).toMatchObject({ status: 'CREATED', lockedBy: null, attempts: 0 });
    expect(entry.events.map((e) => e.message ?? '')).not.toContainEqual(expect.stringContaining('released at startup'));
  });
});
