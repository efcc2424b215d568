/**
 * The core's `changed` event (api.ts): emitted after a successful data-changing call, so the app's
 * change notices cover writes made outside the worker loops; never for a read or a refused call.
 */
import { expect, it } from 'vitest';
import type { CoreEventMap } from '../../src/main/core/index';
import { describeEachDriver, ok, openDriverCore, waitFor } from '../support/core';
import { describeShared } from '../support/shared-pg';

describeEachDriver('changed events', (driver) => {
  it('a retry emits changed {entries}; reads and refused calls emit nothing', async () => {
    const core = await openDriverCore(driver, {
      workers: 1,
      maxAttempts: 1,
      pipeline: [{ name: 'broken', run: () => Promise.reject(new Error('disk on fire')) }],
    });
    const seen: CoreEventMap['changed'][0][] = [];
    core.events.on('changed', (c) => seen.push(c));
    const e = await ok(core.invoke('entries:create', { title: 'will fail' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).status === 'FAILED' || undefined, 'the entry to fail');
    await ok(core.invoke('entries:list', {}));
    await ok(core.invoke('entries:stats', {}));
    expect((await core.invoke('entries:retry', { id: 'no-such-id' })).ok).toBe(false);
    expect((await core.invoke('entries:retry', { id: '' })).ok).toBe(false);
    expect(seen).toEqual([]);
    await ok(core.invoke('entries:retry', { id: e.id }));
    expect(seen).toEqual([{ entries: true, queue: false }]);
  });
});

describeShared('changed events from other processes')('changed events from other processes on a shared server', () => {
  it('a core with workers hears another process create and cancel (its NOTIFY): the event the app’s change notices refresh on', async () => {
    // A pipeline that never finishes a stage on its own: the only changes are the other process's.
    const app = await openDriverCore('server', { workers: 1, pipeline: [{ name: 'wait', run: ({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => { reject(new Error('aborted')); })) }] });
    const seen: CoreEventMap['notified'][0][] = [];
    app.events.on('notified', (n) => seen.push(n));
    const other = await app.reopen({ workers: 0 });
    const e = await ok(other.invoke('entries:create', { title: 'made elsewhere' }));
    await waitFor(() => seen.length > 0 || undefined, 'a change notice for the other process’s create');
    seen.length = 0;
    await waitFor(async () => (await ok(app.invoke('entries:get', { id: e.id }))).lockedBy !== null || undefined, 'the app to run it');
    await ok(other.invoke('entries:cancel', { id: e.id }));
    await waitFor(() => seen.length > 0 || undefined, 'a change notice for the other process’s cancel');
  });
});
