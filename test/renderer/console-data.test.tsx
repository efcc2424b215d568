import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { BULK_IDS_MAX } from '../../src/shared/contract';
import { bulkResultMessage, useBulkAction } from '../../src/renderer/src/data/bulk';
import { useCancelEntry, useDeleteEntry } from '../../src/renderer/src/data/entries-actions';
import { useExportEntries } from '../../src/renderer/src/data/export';
import { queueKeys, useQueueState, useUpdateQueue } from '../../src/renderer/src/data/queue';
import { THROUGHPUT_POLL_MS, throughputOptions, useThroughput } from '../../src/renderer/src/data/throughput';
import { statsKeys } from '../../src/renderer/src/data/stats';
import { entryKeys } from '../../src/renderer/src/data/entries';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderHookWithBackend } from './render-console';

describe('queue hooks', () => {
  it('reads the stored state', async () => {
    const backend = new FakeBackend();
    backend.console.queue = { paused: true, workers: 8, stageDelayMs: 500, retentionDays: null, notifyOnFailure: false };
    const { result } = renderHookWithBackend(() => useQueueState(), backend);
    await waitFor(() => expect(result.current.data).toEqual(backend.console.queue));
  });

  it('pause and resume toast "Paused" and "Resumed" and put the new state in the cache', async () => {
    const backend = new FakeBackend();
    const { result, client } = renderHookWithBackend(() => useUpdateQueue(), backend);
    await act(() => result.current.mutateAsync({ paused: true }));
    expect(await screen.findByText('Paused')).toBeInTheDocument();
    expect(backend.console.queue.paused).toBe(true);
    expect(client.getQueryData(queueKeys.state())).toMatchObject({ paused: true });
    await act(() => result.current.mutateAsync({ paused: false }));
    expect(await screen.findByText('Resumed')).toBeInTheDocument();
    expect(client.getQueryData(queueKeys.state())).toMatchObject({ paused: false });
  });

  it('saving settings toasts "Settings saved"; a refused save is no toast (the dialog shows it)', async () => {
    const backend = new FakeBackend();
    const { result } = renderHookWithBackend(() => useUpdateQueue(), backend);
    await act(() => result.current.mutateAsync({ workers: 12, retentionDays: null }));
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
    expect(backend.console.queue).toMatchObject({ workers: 12, retentionDays: null });
    backend.console.queueFailure = { code: 'UNAVAILABLE', message: 'Entryflow is shutting down.' };
    await act(async () => {
      await result.current.mutateAsync({ workers: 3 }).catch(() => undefined);
    });
    await waitFor(() => expect(result.current.error?.message).toBe('Entryflow is shutting down.'));
    expect(screen.queryByText('Entryflow is shutting down.')).not.toBeInTheDocument();
  });

  it('a refused pause is a toast with the core message', async () => {
    const backend = new FakeBackend();
    backend.console.queueFailure = { code: 'UNAVAILABLE', message: 'Entryflow is shutting down.' };
    const { result } = renderHookWithBackend(() => useUpdateQueue(), backend);
    await act(async () => {
      await result.current.mutateAsync({ paused: true }).catch(() => undefined);
    });
    expect(await screen.findByText('Could not pause the queue')).toBeInTheDocument();
    expect(screen.getByText('Entryflow is shutting down.')).toBeInTheDocument();
  });
});

describe('useThroughput', () => {
  it('asks for the window it is given and polls every 10 s', async () => {
    const backend = new FakeBackend();
    backend.console.throughput.day.stages = [{ stage: 1, p50Ms: 2000, p95Ms: 2400, runs: 10 }];
    const { result } = renderHookWithBackend(() => useThroughput('day'), backend);
    await waitFor(() => expect(result.current.data?.buckets).toHaveLength(24));
    expect(result.current.data?.stages).toEqual(backend.console.throughput.day.stages);
    expect(backend.callsTo('stats:throughput')).toEqual([{ window: 'day' }]);
    expect(throughputOptions('hour').refetchInterval).toBe(THROUGHPUT_POLL_MS);
    expect(THROUGHPUT_POLL_MS).toBe(10_000);
  });
});

describe('bulk and single-entry actions', () => {
  it('words the result with the counts', () => {
    expect(bulkResultMessage('retry', { affected: 2481, skipped: 3 })).toBe('Retried 2,481 entries; 3 had already moved on');
    expect(bulkResultMessage('cancel', { affected: 1, skipped: 0 })).toBe('Cancelled 1 entry');
    expect(bulkResultMessage('delete', { affected: 0, skipped: 1 })).toBe('No entries deleted; 1 was still active or already gone');
    expect(bulkResultMessage('delete', { affected: 5, skipped: 2 })).toBe('Deleted 5 entries; 2 were still active or already gone');
  });

  it('retries by filter in one call, toasts the result and refreshes the list and the stats', async () => {
    const failed = [makeEntry({ status: 'FAILED' }), makeEntry({ status: 'FAILED' }), makeEntry({ status: 'CANCELLED' })];
    const backend = new FakeBackend([...failed, makeEntry({ status: 'COMPLETED' })]);
    const { result, client } = renderHookWithBackend(() => useBulkAction(), backend);
    const invalidated: unknown[] = [];
    client.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && e.action.type === 'invalidate') invalidated.push(e.query.queryKey);
    });
    // Queries that exist can be invalidated: seed them as the app would have.
    client.setQueryData(statsKeys.all, {});
    client.setQueryData(entryKeys.poll({ status: null, search: '' }), 0);
    await act(() => result.current.mutateAsync({ action: 'retry', target: { filter: { status: 'FAILED' } } }));
    expect(await screen.findByText('Retried 2 entries')).toBeInTheDocument();
    expect(backend.callsTo('entries:bulk')).toEqual([{ action: 'retry', filter: { status: 'FAILED' } }]);
    expect(backend.entries.filter((e) => e.status === 'CREATED')).toHaveLength(2);
    expect(invalidated).toEqual(expect.arrayContaining([statsKeys.all, entryKeys.poll({ status: null, search: '' })]));
  });

  it('splits more than BULK_IDS_MAX ids into calls the contract allows, and adds the results up', async () => {
    const entries = Array.from({ length: 3 }, () => makeEntry({ status: 'STAGE_1' }));
    const backend = new FakeBackend(entries);
    const ids = [...entries.map((e) => e.id), ...Array.from({ length: BULK_IDS_MAX }, (_, i) => `gone${i}`)];
    const { result } = renderHookWithBackend(() => useBulkAction(), backend);
    const r = await act(() => result.current.mutateAsync({ action: 'cancel', target: { ids } }));
    expect(r).toEqual({ affected: 3, skipped: BULK_IDS_MAX });
    expect((backend.callsTo('entries:bulk') as { ids: string[] }[]).map((c) => c.ids.length)).toEqual([BULK_IDS_MAX, 3]);
    expect(await screen.findByText(`Cancelled 3 entries; 10,000 had already finished`)).toBeInTheDocument();
  });

  it('a refused bulk action is an error toast with the core message', async () => {
    const backend = new FakeBackend();
    const { result } = renderHookWithBackend(() => useBulkAction(), backend);
    await act(async () => {
      await result.current.mutateAsync({ action: 'delete', target: { ids: ['not valid!'] } }).catch(() => undefined);
    });
    expect(await screen.findByText('Could not delete the entries')).toBeInTheDocument();
    expect(screen.getByText('id has an invalid format')).toBeInTheDocument();
  });

  it('cancels one entry; cancelling a finished one is the core CONFLICT, in a toast', async () => {
    const waiting = makeEntry({ title: 'Waiting one' });
    const done = makeEntry({ status: 'COMPLETED' });
    const backend = new FakeBackend([waiting, done]);
    const { result } = renderHookWithBackend(() => useCancelEntry(), backend);
    await act(() => result.current.mutateAsync(waiting.id));
    expect(await screen.findByText('Entry cancelled')).toBeInTheDocument();
    expect(backend.entries.find((e) => e.id === waiting.id)?.status).toBe('CANCELLED');
    await act(async () => {
      await result.current.mutateAsync(done.id).catch(() => undefined);
    });
    expect(await screen.findByText('Could not cancel the entry')).toBeInTheDocument();
    expect(screen.getByText(/only waiting or running entries can be cancelled/)).toBeInTheDocument();
  });

  it('deletes one finished entry and drops its cached detail; an active one is refused', async () => {
    const done = makeEntry({ status: 'FAILED' });
    const running = makeEntry({ status: 'STAGE_1' });
    const backend = new FakeBackend([done, running]);
    const { result, client } = renderHookWithBackend(() => useDeleteEntry(), backend);
    client.setQueryData(entryKeys.detail(done.id), { ...done, events: [] });
    await act(() => result.current.mutateAsync(done.id));
    expect(await screen.findByText('Entry deleted')).toBeInTheDocument();
    expect(backend.entries.map((e) => e.id)).toEqual([running.id]);
    expect(client.getQueryData(entryKeys.detail(done.id))).toBeUndefined();
    await act(async () => {
      await result.current.mutateAsync(running.id).catch(() => undefined);
    });
    expect(await screen.findByText('Could not delete the entry')).toBeInTheDocument();
  });
});

describe('useExportEntries', () => {
  it('says where it wrote how many, and nothing when the save dialog was closed', async () => {
    const backend = new FakeBackend([
      ...Array.from({ length: 1234 }, () => makeEntry({ status: 'FAILED' })),
      makeEntry({ status: 'COMPLETED' }),
    ]);
    backend.console.exportPath = '/home/me/failed.csv';
    const { result } = renderHookWithBackend(() => useExportEntries(), backend);
    await act(() => result.current.mutateAsync({ format: 'csv', filter: { status: 'FAILED' } }));
    expect(await screen.findByText('Exported 1,234 entries to /home/me/failed.csv')).toBeInTheDocument();
    expect(backend.callsTo('entries:export')).toEqual([{ format: 'csv', filter: { status: 'FAILED' } }]);

    backend.console.exportPath = null;
    const r = await act(() => result.current.mutateAsync({ format: 'json', filter: {} }));
    expect(r).toEqual({ path: null, count: 0 });
    // Only the first toast is there.
    expect(screen.getAllByText(/^Exported /)).toHaveLength(1);
  });
});
