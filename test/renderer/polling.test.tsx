import { act, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { POLL_MS } from '../../src/renderer/src/data/polling';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

// Count renders of each row through a child it renders unconditionally: if a row re-renders, so
// does its progress bar (which is not memoised itself).
const renders = vi.hoisted(() => new Map<string, number>());
vi.mock('../../src/renderer/src/components/ProgressBar', () => ({
  ProgressBar: ({ label, value }: { label: string; value: number }) => {
    renders.set(label, (renders.get(label) ?? 0) + 1);
    return <div role="progressbar" aria-label={label} aria-valuenow={value} />;
  },
}));

async function poll() {
  await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
}

describe('polling', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renders.clear();
  });
  afterEach(() => vi.useRealTimers());

  it('refreshes every POLL_MS, and a poll re-renders only the rows that changed', async () => {
    const a = makeEntry({ title: 'Steady', status: 'COMPLETED', progress: 100, result: 'done' });
    const b = makeEntry({ title: 'Moving', status: 'STAGE_1', progress: 33 });
    const backend = new FakeBackend([a, b]);
    renderApp(backend);
    await screen.findByText('Moving');
    await poll(); // settle: the first poll after mount answers identical data

    const steadyBefore = renders.get('Progress of Steady');
    const movingBefore = renders.get('Progress of Moving');
    const listCalls = backend.callsTo('entries:list').length;
    expect(steadyBefore).toBeGreaterThan(0);

    backend.update(b.id, { status: 'STAGE_2', progress: 66, updatedAt: '2025-01-01T12:01:00.000Z' });
    await poll();

    expect(backend.callsTo('entries:list').length).toBe(listCalls + 1);
    const moving = screen.getByRole('row', { name: /^Moving,/ });
    expect(within(moving).getByText('Stage 2')).toBeInTheDocument();
    expect(renders.get('Progress of Moving')).toBeGreaterThan(movingBefore!);
    expect(renders.get('Progress of Steady')).toBe(steadyBefore);

    // A poll where nothing changed re-renders no row at all.
    const movingAfter = renders.get('Progress of Moving');
    await poll();
    expect(renders.get('Progress of Moving')).toBe(movingAfter);
    expect(renders.get('Progress of Steady')).toBe(steadyBefore);
  });

  it('shows an alert while calls fail, keeps the last data and keeps polling, then recovers by itself', async () => {
    const backend = new FakeBackend([makeEntry({ title: 'Survivor', status: 'STAGE_1', progress: 33 })]);
    renderApp(backend);
    await screen.findByText('Survivor');

    backend.failure = { code: 'UNAVAILABLE', message: 'The core stopped answering.' };
    await poll();
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Can’t reach the pipeline.');
    expect(alert).toHaveTextContent('The core stopped answering.');
    expect(screen.getByText('Survivor')).toBeInTheDocument();
    expect(screen.getByText('Offline')).toBeInTheDocument();

    const callsWhileDown = backend.callsTo('entries:list').length;
    await poll();
    expect(backend.callsTo('entries:list').length).toBeGreaterThan(callsWhileDown);

    backend.failure = null;
    backend.update(backend.entries[0]!.id, { status: 'STAGE_2', progress: 66 });
    await poll();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.getByText('Live')).toBeInTheDocument();
    expect(within(screen.getByRole('row', { name: /^Survivor,/ })).getByText('Stage 2')).toBeInTheDocument();
  });

  it('shows the error state when the very first load fails', async () => {
    const backend = new FakeBackend();
    backend.failure = { code: 'INTERNAL', message: 'database is locked' };
    renderApp(backend);
    expect(await screen.findByRole('alert')).toHaveTextContent('database is locked');
    expect(screen.getByText('Entries could not be loaded')).toBeInTheDocument();
  });
});
