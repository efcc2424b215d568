/**
 * Instant refresh in the renderer (data/change-notices.ts): a change notice refetches the list's poll
 * and the stats at once. The poll interval is set to an hour here, so a row that appears can only
 * have come from the notice, never from a poll tick.
 */
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
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

  it('a notice from a clicked failure notification opens that entry, also one the list has not loaded', async () => {
    const failed = makeEntry({ title: 'Broken import', status: 'FAILED', error: 'upstream answered 503' });
    const newer = makeEntry({ title: 'Listed', status: 'FAILED', error: 'disk full' });
    const backend = new FakeBackend([failed, newer]);
    backend.pageSize = 1; // only the newest is loaded: the clicked entry is fetched by id
    renderApp(backend);
    await screen.findByText('Listed');
    expect(screen.queryByText('Broken import')).not.toBeInTheDocument();

    act(() => {
      backend.notify({ entries: true, queue: false, open: failed.id });
    });
    expect(await screen.findByRole('dialog', { name: 'Broken import' })).toBeInTheDocument();

    // A second click replaces the entry shown.
    act(() => {
      backend.notify({ entries: true, queue: false, open: newer.id });
    });
    expect(await screen.findByRole('dialog', { name: 'Listed' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Broken import' })).not.toBeInTheDocument();
  });

  it('a notification click while the New entry dialog is open leaves the dialog and what was typed alone', async () => {
    const failed = makeEntry({ title: 'Broken import', status: 'FAILED', error: 'upstream answered 503' });
    const backend = new FakeBackend([failed]);
    renderApp(backend);
    await screen.findByText('Broken import');
    const user = userEvent.setup();
    await user.click(screen.getAllByRole('button', { name: /New entry/ })[0]!);
    const dialog = await screen.findByRole('dialog', { name: 'New entry' });
    await user.type(within(dialog).getByRole('textbox'), 'Half typed');

    act(() => {
      backend.notify({ entries: true, queue: false, open: failed.id });
    });
    await act(() => Promise.resolve());
    expect(screen.queryByRole('dialog', { name: 'Broken import' })).not.toBeInTheDocument();
    expect(within(screen.getByRole('dialog', { name: 'New entry' })).getByRole('textbox')).toHaveValue('Half typed');
  });
});
