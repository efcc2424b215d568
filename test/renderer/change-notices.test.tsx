/**
 * Instant refresh in the renderer (data/change-notices.ts): a change notice refetches the list's poll
 * and the stats at once. The poll interval is set to an hour here, so a row that appears can only
 * have come from the notice, never from a poll tick.
 */
import { act, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

vi.mock('../../src/renderer/src/data/polling', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/renderer/src/data/polling')>();
  const POLL_MS = 3_600_000;
  return { ...real, POLL_MS, liveQuery: { ...real.liveQuery, refetchInterval: POLL_MS } };
});

describe('change notices', () => {
  it('subscribe once; a notice refetches the list and the stats without waiting for a poll', async () => {
    const backend = new FakeBackend([makeEntry({ title: 'First' })]);
    const { unmount } = renderApp(backend);
    await screen.findByText('First');
    expect(backend.changeListeners.size).toBe(1);

    backend.entries = [makeEntry({ title: 'Made elsewhere' }), ...backend.entries];
    const statsBefore = backend.callsTo('entries:stats').length;
    act(() => {
      backend.notify({ entries: true, queue: false });
    });
    await screen.findByText('Made elsewhere');
    expect(backend.callsTo('entries:stats').length).toBeGreaterThan(statsBefore);

    unmount();
    expect(backend.changeListeners.size).toBe(0);
  });

  it('a notice while the window is hidden is ignored (polls pause then too; showing it refetches)', async () => {
    const backend = new FakeBackend([makeEntry({ title: 'Shown' })]);
    renderApp(backend);
    await screen.findByText('Shown');
    const listCalls = backend.callsTo('entries:list').length;
    const hidden = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
    try {
      act(() => {
        backend.notify({ entries: true, queue: true });
      });
      await act(() => Promise.resolve());
      expect(backend.callsTo('entries:list').length).toBe(listCalls);
    } finally {
      hidden.mockRestore();
    }
  });
});
