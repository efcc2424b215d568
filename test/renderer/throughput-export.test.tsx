import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ExportMenu } from '../../src/renderer/src/components/ExportMenu';
import { formatDuration } from '../../src/renderer/src/components/ThroughputPanel';
import { ExportHarness, ThroughputHarness } from './console-harness';
import { emptyThroughput } from './fake-console';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderWithBackend } from './render-console';

describe('ThroughputPanel', () => {
  it('draws a bar per busy minute, summarises the hour, and lists p50/p95 per stage', async () => {
    const backend = new FakeBackend();
    const hour = emptyThroughput('hour');
    hour.buckets[10] = { ...hour.buckets[10]!, completed: 40, failed: 2 };
    hour.buckets[59] = { ...hour.buckets[59]!, completed: 1200, failed: 0 };
    hour.stages = [
      { stage: 1, p50Ms: 2010, p95Ms: 2450, runs: 1240 },
      { stage: 2, p50Ms: 850, p95Ms: null, runs: 3 },
    ];
    backend.console.throughput.hour = hour;
    const { container } = renderWithBackend(<ThroughputHarness />, backend);
    const chart = await screen.findByRole('img', { name: /per minute over the last hour: 1,240 completed, 2 failed\./ });
    expect(chart.querySelectorAll('[data-bucket]')).toHaveLength(60);
    // Three bars: two completed, one failed; empty minutes draw none.
    expect(container.querySelectorAll('rect.fill-emerald-500')).toHaveLength(2);
    expect(container.querySelectorAll('rect.fill-rose-500')).toHaveLength(1);
    const stages = screen.getByRole('table', { name: /Stage durations/ });
    const rows = within(stages).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows).toEqual(['Stage 11,2402.0 s2.5 s', 'Stage 23850 ms—']);
    // The numbers, for a screen reader or a person who wants them.
    const user = userEvent.setup();
    await user.click(screen.getByText('Show the numbers'));
    expect(within(screen.getByRole('table', { name: 'Entries finished per minute' })).getAllByRole('row')).toHaveLength(3);
  });

  it('switches to the day window by keyboard, asking the core for it', async () => {
    const backend = new FakeBackend();
    renderWithBackend(<ThroughputHarness />, backend);
    await screen.findByRole('img', { name: /last hour/ });
    const user = userEvent.setup();
    const day = screen.getByRole('button', { name: 'Last day' });
    expect(day).toHaveAttribute('aria-pressed', 'false');
    day.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('img', { name: /per hour over the last day/ })).toBeInTheDocument();
    expect(day).toHaveAttribute('aria-pressed', 'true');
    expect(backend.callsTo('stats:throughput')).toEqual([{ window: 'hour' }, { window: 'day' }]);
    expect(screen.getByText('No stage has run in this window.')).toBeInTheDocument();
  });

  it('says when the core does not answer', async () => {
    const backend = new FakeBackend();
    backend.failure = { code: 'UNAVAILABLE', message: 'Entryflow is shutting down.' };
    renderWithBackend(<ThroughputHarness />, backend);
    expect(await screen.findByRole('alert')).toHaveTextContent('Throughput could not be read: Entryflow is shutting down.');
  });

  it('formats durations for people', () => {
    expect([null, 12, 999, 1000, 9_949, 42_400, 210_000].map(formatDuration)).toEqual(['—', '12 ms', '999 ms', '1.0 s', '9.9 s', '42 s', '3.5 min']);
  });
});

describe('ExportMenu', () => {
  it('opens with the keyboard on the first format, moves with arrows, and Esc returns focus', async () => {
    const onExport = vi.fn();
    renderWithBackend(<ExportMenu scope="Failed entries" exporting={false} onExport={onExport} />, new FakeBackend());
    const user = userEvent.setup();
    await user.tab();
    const button = screen.getByRole('button', { name: 'Export' });
    expect(button).toHaveFocus();
    expect(button).toHaveAccessibleDescription('Failed entries');
    await user.keyboard('{Enter}');
    const menu = screen.getByRole('menu', { name: 'Export format' });
    expect(button).toHaveAttribute('aria-expanded', 'true');
    expect(within(menu).getByRole('menuitem', { name: /CSV/ })).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(within(menu).getByRole('menuitem', { name: /JSON/ })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    await user.keyboard('{ArrowDown}{ArrowUp}{Enter}');
    expect(onExport).toHaveBeenCalledWith('json');
    expect(button).toHaveFocus();
  });

  it('exports the current filter and says where; a closed save dialog says nothing', async () => {
    const backend = new FakeBackend([makeEntry({ status: 'FAILED', title: 'bad 503' }), makeEntry({ status: 'FAILED', title: 'other' })]);
    backend.console.exportPath = '/tmp/out.json';
    renderWithBackend(<ExportHarness filters={{ status: 'FAILED', search: '503' }} />, backend);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(screen.getByRole('menuitem', { name: /JSON/ }));
    expect(await screen.findByText('Exported 1 entry to /tmp/out.json')).toBeInTheDocument();
    expect(backend.callsTo('entries:export')).toEqual([{ format: 'json', filter: { status: 'FAILED', search: '503' } }]);
    backend.console.exportPath = null;
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await user.click(screen.getByRole('menuitem', { name: /CSV/ }));
    await waitFor(() => expect(backend.callsTo('entries:export')).toHaveLength(2));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Export' })).toBeEnabled());
    expect(screen.getAllByText(/^Exported /)).toHaveLength(1);
  });
});
