import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

// jsdom has no Element.scrollTo; the app scrolls the table's viewport back to the top on a new filter.
if (!('scrollTo' in Element.prototype)) Object.defineProperty(Element.prototype, 'scrollTo', { value: () => undefined });

function seed() {
  return new FakeBackend([
    makeEntry({ title: 'Import invoices', status: 'CREATED', progress: 0 }),
    makeEntry({ title: 'Resize photos', status: 'STAGE_1', progress: 33, lockedBy: 'w-1' }),
    makeEntry({ title: 'Send newsletter', status: 'STAGE_2', progress: 66 }),
    makeEntry({
      title: 'Archive logs',
      status: 'COMPLETED',
      progress: 100,
      result: 'Completed all 3 stages of "Archive logs" at 2025-01-01T12:00:09.000Z',
    }),
    makeEntry({ title: 'Sync calendar', status: 'FAILED', progress: 33, error: 'upstream refused the connection' }),
  ]);
}

const row = (title: string) => screen.getByRole('row', { name: new RegExp(`^${title},`) });

describe('entries table', () => {
  it('shows each entry with title, status badge, progress, result or error, and relative times', async () => {
    const backend = seed();
    renderApp(backend);
    await screen.findByText('Import invoices');

    const completed = row('Archive logs');
    expect(within(completed).getByText('Completed')).toHaveAttribute('data-status', 'COMPLETED');
    expect(within(completed).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
    expect(within(completed).getByText('100%')).toBeInTheDocument();
    expect(within(completed).getByText(/Completed all 3 stages/)).toBeInTheDocument();

    // Held by a worker: it is running the next stage, not waiting in Stage 1.
    const stage1 = row('Resize photos');
    expect(within(stage1).getByText('Running stage 2')).toHaveAttribute('data-status', 'STAGE_1');
    expect(within(row('Send newsletter')).getByText('Stage 2')).toHaveAttribute('data-status', 'STAGE_2');
    expect(within(stage1).getByRole('progressbar')).toHaveAttribute('aria-valuenow', '33');

    const failed = row('Sync calendar');
    expect(within(failed).getByText('Failed')).toBeInTheDocument();
    expect(within(failed).getByText('upstream refused the connection')).toBeInTheDocument();

    // Relative times carry the full ISO timestamp for hover.
    const entry = backend.entries.find((e) => e.title === 'Import invoices')!;
    const times = within(row('Import invoices')).getAllByTitle(entry.createdAt);
    expect(times[0]?.tagName).toBe('TIME');
    expect(times[0]).toHaveAttribute('datetime', entry.createdAt);
  });

  it('shows counts per status that double as filters', async () => {
    const backend = seed();
    renderApp(backend);
    const user = userEvent.setup();
    const filters = await screen.findByRole('group', { name: 'Filter by status' });
    await waitFor(() => expect(within(filters).getByRole('button', { name: /^All/ })).toHaveTextContent('All5'));
    expect(within(filters).getByRole('button', { name: /^Failed/ })).toHaveTextContent('Failed1');
    expect(within(filters).getByRole('button', { name: /^All/ })).toHaveAttribute('aria-pressed', 'true');

    await user.click(within(filters).getByRole('button', { name: /^Failed/ }));
    expect(within(filters).getByRole('button', { name: /^Failed/ })).toHaveAttribute('aria-pressed', 'true');
    await waitFor(() => expect(screen.queryByText('Import invoices')).not.toBeInTheDocument());
    expect(screen.getByText('Sync calendar')).toBeInTheDocument();
    expect(backend.callsTo('entries:list')).toContainEqual(expect.objectContaining({ status: 'FAILED' }));
    // Counts stay over the whole table while filtered.
    expect(within(filters).getByRole('button', { name: /^All/ })).toHaveTextContent('All5');
  });

  it('searches titles after a debounce, not on every keystroke', async () => {
    const backend = seed();
    renderApp(backend);
    const user = userEvent.setup();
    await screen.findByText('Import invoices');
    await user.type(screen.getByRole('searchbox', { name: 'Search by title, ID, error or result' }), 'photo');
    await waitFor(() => expect(screen.queryByText('Import invoices')).not.toBeInTheDocument());
    expect(screen.getByText('Resize photos')).toBeInTheDocument();
    const searches = backend.callsTo('entries:list').map((p) => (p as { search?: string }).search);
    expect(searches).toContain('photo');
    expect(searches).not.toContain('pho');
  });

  it('pages by cursor with "Load more"', async () => {
    const backend = new FakeBackend(Array.from({ length: 130 }, (_, i) => makeEntry({ title: `Job ${i + 1}` })));
    renderApp(backend);
    const user = userEvent.setup();
    await screen.findByText('Job 130');
    expect(screen.getByText(/Showing/)).toHaveTextContent('Showing 100 of 130 entries');
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(screen.getByText(/Showing/)).toHaveTextContent('Showing 130 of 130 entries'));
    expect(backend.callsTo('entries:list')).toContainEqual(expect.objectContaining({ cursor: '100' }));
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
  });

  it('keeps the DOM small with 10,000 entries loaded (virtualised rows)', async () => {
    const backend = new FakeBackend(Array.from({ length: 10_000 }, (_, i) => makeEntry({ title: `Bulk ${i}` })));
    backend.pageSize = 10_000;
    renderApp(backend);
    await screen.findByText('Bulk 9999');
    expect(screen.getByText(/Showing/)).toHaveTextContent('Showing 10,000 of 10,000 entries');
    expect(document.querySelectorAll('tr[data-entry-id]').length).toBeLessThan(60);
  });

  it('shows an empty state with a way to add the first entry', async () => {
    renderApp(new FakeBackend());
    expect(await screen.findByText('No entries yet')).toBeInTheDocument();
    expect(screen.getAllByRole('button', { name: /New entry/ }).length).toBeGreaterThanOrEqual(2);
  });

  it('shows a loading state before the first answer', () => {
    const backend = new FakeBackend();
    backend.invoke.mockImplementation(() => new Promise(() => undefined));
    renderApp(backend);
    expect(screen.getByRole('status', { name: 'Loading entries' })).toBeInTheDocument();
  });
});
