import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { EntriesTable } from '../../src/renderer/src/components/EntriesTable';
import type { Entry } from '../../src/shared/contract';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

// jsdom has no Element.scrollTo; the app scrolls the table's viewport back to the top on a new filter.
if (!('scrollTo' in Element.prototype)) Object.defineProperty(Element.prototype, 'scrollTo', { value: () => undefined });

const rows = () => screen.getAllByRole('row').filter((r) => r.hasAttribute('data-entry-id'));
const tabStops = () => rows().filter((r) => r.tabIndex === 0);
const focusedTitle = () => (document.activeElement as HTMLElement | null)?.getAttribute('aria-label')?.split(',')[0];

function many(n: number): Entry[] {
  return Array.from({ length: n }, (_, i) => makeEntry({ title: `Job ${i}` }));
}

describe('entries grid: keyboard model', () => {
  it('is an ARIA grid with one Tab stop and numbered rows', async () => {
    renderApp(new FakeBackend(many(30)));
    await screen.findByText('Job 29');
    const grid = screen.getByRole('grid', { name: 'Entries' });
    expect(grid).toHaveAttribute('aria-rowcount', '31');
    expect(tabStops()).toHaveLength(1);
    // Newest first: row 2 (after the header row) is the last created.
    expect(rows()[0]).toHaveAttribute('aria-rowindex', '2');
    expect(rows()[0]).toHaveAttribute('tabindex', '0');
    expect(rows()[1]).toHaveAttribute('aria-rowindex', '3');
    expect(rows()[1]).toHaveAttribute('tabindex', '-1');
  });

  it('moves with arrows, j/k, Home/End and PageUp/PageDown; the Tab stop follows the focus', async () => {
    renderApp(new FakeBackend(many(200)));
    const user = userEvent.setup();
    await screen.findByText('Job 199');
    rows()[0]!.focus();
    expect(focusedTitle()).toBe('Job 199');

    await user.keyboard('{ArrowDown}');
    expect(focusedTitle()).toBe('Job 198');
    await user.keyboard('j');
    expect(focusedTitle()).toBe('Job 197');
    await user.keyboard('k');
    expect(focusedTitle()).toBe('Job 198');
    await user.keyboard('{ArrowUp}');
    expect(focusedTitle()).toBe('Job 199');
    // Up from the first row reaches the header row's checkbox (row 1 of the grid), which is no Tab
    // stop of its own; Down goes back, and the rows keep their one Tab stop.
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toHaveAccessibleName('Select the loaded entries');
    expect(document.activeElement).toHaveAttribute('tabindex', '-1');
    await user.keyboard('{ArrowDown}');
    expect(focusedTitle()).toBe('Job 199');
    expect(tabStops()).toEqual([document.activeElement]);

    // The test viewport is 800 px high: a page is (800 - 36) / 56 rounded down, less one.
    await user.keyboard('{PageDown}');
    expect(focusedTitle()).toBe('Job 187');
    await user.keyboard('{PageUp}');
    expect(focusedTitle()).toBe('Job 199');

    await user.keyboard('{End}');
    expect(focusedTitle()).toBe('Job 100'); // the last loaded row (page 1 holds 100)
    expect(document.activeElement).toHaveAttribute('aria-rowindex', '101');
    expect(tabStops()).toEqual([document.activeElement]);
    await user.keyboard('{Home}');
    expect(focusedTitle()).toBe('Job 199');
  });

  it('keeps the focused row in the DOM while the view is elsewhere, so the focus never falls to <body>', async () => {
    renderApp(new FakeBackend(many(100)));
    const user = userEvent.setup();
    await screen.findByText('Job 99');
    rows()[0]!.focus();
    // jsdom does not scroll: the visible range stays at the top, as after a wheel back up.
    await user.keyboard('{End}');
    expect(focusedTitle()).toBe('Job 0');
    expect(document.activeElement).not.toBe(document.body);
    const rendered = rows().map((r) => r.getAttribute('aria-rowindex'));
    expect(rendered).toContain('101');
    expect(rendered.length).toBeLessThan(60);
    // Marked, so whoever asks which rows are on screen can leave it out.
    expect(document.activeElement).toHaveAttribute('data-pinned', 'true');
    expect(rows().filter((r) => r.hasAttribute('data-pinned'))).toHaveLength(1);
    // Tab leaves the grid in one step and Shift+Tab comes back to the same row.
    await user.tab();
    expect(document.activeElement?.closest('[role="grid"]')).toBeNull();
    await user.tab({ shift: true });
    expect(focusedTitle()).toBe('Job 0');
  });

  it('opens the focused row with Enter', async () => {
    renderApp(new FakeBackend(many(5)));
    const user = userEvent.setup();
    await screen.findByText('Job 4');
    rows()[0]!.focus();
    await user.keyboard('{ArrowDown}{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Job 3' })).toBeInTheDocument();
  });

  it('ignores keys with modifiers and keys from elsewhere', async () => {
    const opened: string[] = [];
    const entries = many(3);
    render(<EntriesTable entries={entries} onOpen={(id) => opened.push(id)} />);
    const user = userEvent.setup();
    rows()[0]!.focus();
    await user.keyboard('{Control>}{ArrowDown}{/Control}');
    expect(document.activeElement).toBe(rows()[0]);
    screen.getByRole('button', { name: 'Compact rows' }).focus();
    await user.keyboard('j');
    expect(opened).toEqual([]);
    expect(tabStops()).toEqual([rows()[0]]);
  });
});

describe('entries grid: density', () => {
  it('toggles compact rows and remembers the choice', async () => {
    localStorage.clear();
    const first = render(<EntriesTable entries={many(3)} onOpen={() => undefined} />);
    const toggle = screen.getByRole('button', { name: 'Compact rows' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(rows()[0]).toHaveStyle({ height: '56px' });
    await userEvent.setup().click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(rows()[0]).toHaveStyle({ height: '36px' });
    first.unmount();

    render(<EntriesTable entries={many(3)} onOpen={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Compact rows' })).toHaveAttribute('aria-pressed', 'true');
    expect(rows()[0]).toHaveStyle({ height: '36px' });
    localStorage.clear();
  });
});

describe('entries grid: running and waiting read differently', () => {
  const at = (ms: number) => new Date(Date.now() + ms).toISOString();

  it('says which stage is running, with a live dot, and names statuses in words for screen readers', () => {
    const entries = [
      makeEntry({ title: 'Claimed new', status: 'CREATED', lockedBy: 'w-1', attempts: 1 }),
      makeEntry({ title: 'Claimed after one', status: 'STAGE_1', progress: 33, lockedBy: 'w-2', attempts: 1 }),
      makeEntry({ title: 'Claimed last', status: 'STAGE_2', progress: 66, lockedBy: 'w-3', attempts: 1 }),
      makeEntry({ title: 'Waiting', status: 'STAGE_1', progress: 33 }),
      makeEntry({ title: 'Done', status: 'COMPLETED', progress: 100, lockedBy: 'stale', result: 'ok' }),
    ];
    render(<EntriesTable entries={entries} onOpen={() => undefined} />);
    const row = (t: string) => screen.getByRole('row', { name: new RegExp(`^${t},`) });

    expect(row('Claimed new')).toHaveAccessibleName('Claimed new, Running stage 1, 0%');
    expect(within(row('Claimed new')).getByText('Running stage 1')).toHaveAttribute('data-running', 'true');
    expect(row('Claimed new').querySelector('[data-live-dot]')).not.toBeNull();
    expect(row('Claimed after one')).toHaveAccessibleName('Claimed after one, Running stage 2, 33%');
    expect(row('Claimed last')).toHaveAccessibleName('Claimed last, Running stage 3, 66%');

    expect(row('Waiting')).toHaveAccessibleName('Waiting, Stage 1, 33%');
    expect(row('Waiting').querySelector('[data-live-dot]')).toBeNull();
    expect(within(row('Waiting')).getByText('Stage 1')).not.toHaveAttribute('data-running');
    // A terminal entry is never "running", whatever the lock column says.
    expect(row('Done')).toHaveAccessibleName('Done, Completed, 100%');
    for (const r of rows()) expect(r.getAttribute('aria-label')).not.toMatch(/STAGE_|CREATED|COMPLETED/);
  });

  it('shows the attempt, out of the limit when known, and when a retry is due', () => {
    const entries = [
      makeEntry({ title: 'Backing off', status: 'STAGE_1', progress: 33, attempts: 1, error: 'timeout', runAfter: at(12_400) }),
      makeEntry({ title: 'Second try', status: 'CREATED', lockedBy: 'w-1', attempts: 2, error: 'timeout' }),
      makeEntry({ title: 'First try', status: 'CREATED', lockedBy: 'w-1', attempts: 1 }),
      makeEntry({ title: 'Gave up', status: 'FAILED', progress: 33, attempts: 3, error: 'timeout' }),
    ];
    const { unmount } = render(<EntriesTable entries={entries} onOpen={() => undefined} maxAttempts={3} />);
    const row = (t: string) => screen.getByRole('row', { name: new RegExp(`^${t},`) });

    expect(row('Backing off')).toHaveAccessibleName('Backing off, Stage 1, attempt 2 of 3, 33%');
    expect(within(row('Backing off')).getByText(/^retry in 1[23]s$/)).toHaveAttribute('datetime', entries[0]!.runAfter);
    expect(row('Second try')).toHaveAccessibleName('Second try, Running stage 1, attempt 2 of 3, 0%');
    expect(within(row('Second try')).queryByText(/retry in/)).toBeNull();
    expect(row('First try')).toHaveAccessibleName('First try, Running stage 1, 0%');
    expect(row('Gave up')).toHaveAccessibleName('Gave up, Failed, 33%');
    unmount();

    // The renderer does not know the core's limit unless told: no "of N" then.
    render(<EntriesTable entries={entries} onOpen={() => undefined} />);
    expect(row('Backing off')).toHaveAccessibleName('Backing off, Stage 1, attempt 2, 33%');
    expect(row('Backing off')).toHaveTextContent(/attempt 2 · retry in/);
    expect(row('Backing off')).not.toHaveTextContent(/of 3/);
  });

  it('names the stage that ran in the timeline for a failed attempt', async () => {
    const entry = makeEntry({ title: 'Flaky', status: 'STAGE_1', progress: 33, attempts: 1, error: 'boom', runAfter: at(5000) });
    const backend = new FakeBackend([entry]);
    const ev = (n: number, from: Entry['status'] | null, to: Entry['status'], message: string | null = null) => ({
      id: `ev${n}`,
      entryId: entry.id,
      from,
      to,
      workerId: 'w-1',
      message,
      stage: null,
      durationMs: null,
      at: `2025-01-01T12:00:0${n}.000Z`,
    });
    backend.events.set(entry.id, [
      ev(1, null, 'CREATED'),
      ev(2, 'CREATED', 'STAGE_1'),
      ev(3, 'STAGE_1', 'STAGE_1', 'attempt 1 failed: boom'),
      ev(4, 'STAGE_1', 'STAGE_1', 'lock released at startup'),
    ]);
    renderApp(backend);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Flaky'));
    const dialog = await screen.findByRole('dialog', { name: 'Flaky' });
    const timeline = await within(dialog).findByRole('list', { name: 'Timeline' });
    const items = within(timeline).getAllByRole('listitem');
    expect(items[1]).toHaveTextContent('Created → Stage 1');
    expect(items[2]).toHaveTextContent('Stage 2 failed (attempt 1)');
    expect(items[2]).toHaveTextContent(/boom/);
    expect(items[2]).not.toHaveTextContent('Stage 1 → Stage 1');
    expect(items[3]).toHaveTextContent('Stage 2 interrupted');
    expect(items[3]).toHaveTextContent('lock released at startup');
    await waitFor(() => expect(items[2]).not.toHaveTextContent('attempt 1 failed'));
  });
});
