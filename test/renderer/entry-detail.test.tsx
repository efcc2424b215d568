import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { EntryEvent } from '../../src/shared/contract';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

function event(entryId: string, n: number, e: Partial<EntryEvent>): EntryEvent {
  return {
    id: `${entryId}-ev${n}`,
    entryId,
    from: null,
    to: 'CREATED',
    workerId: null,
    message: null,
    stage: null,
    durationMs: null,
    at: `2025-01-01T12:00:0${n}.000Z`,
    ...e,
  };
}

function seed() {
  const failed = makeEntry({
    title: 'Sync calendar',
    status: 'FAILED',
    progress: 33,
    attempts: 3,
    error: 'upstream refused the connection',
  });
  const done = makeEntry({ title: 'Archive logs', status: 'COMPLETED', progress: 100, result: 'All done at 2025-01-01' });
  const backend = new FakeBackend([failed, done]);
  backend.events.set(failed.id, [
    event(failed.id, 1, { to: 'CREATED' }),
    event(failed.id, 2, { from: 'CREATED', to: 'STAGE_1', workerId: 'worker-7' }),
    event(failed.id, 3, { from: 'STAGE_1', to: 'FAILED', workerId: 'worker-7', message: 'upstream refused the connection' }),
  ]);
  return { backend, failed, done };
}

describe('entry detail', () => {
  it('opens on click and shows the timeline, attempts and error', async () => {
    const { backend } = seed();
    renderApp(backend);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Sync calendar'));
    const dialog = await screen.findByRole('dialog', { name: 'Sync calendar' });
    const timeline = await within(dialog).findByRole('list', { name: 'Timeline' });
    const items = within(timeline).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[0]).toHaveTextContent('Created');
    expect(items[1]).toHaveTextContent('Created → Stage 1');
    expect(items[1]).toHaveTextContent('worker-7');
    expect(items[2]).toHaveTextContent('Stage 1 → Failed');
    expect(items[2]).toHaveTextContent('upstream refused the connection');
    expect(within(items[2]!).getByTitle('2025-01-01T12:00:03.000Z')).toBeInTheDocument();
    expect(within(dialog).getByText('Attempts').nextElementSibling).toHaveTextContent('3');
    expect(within(dialog).getByRole('region', { name: 'Error' })).toHaveTextContent('upstream refused the connection');
  });

  it('retries a failed entry and says so', async () => {
    const { backend, failed } = seed();
    renderApp(backend);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Sync calendar'));
    const dialog = await screen.findByRole('dialog', { name: 'Sync calendar' });
    // It failed in stage 2 (from STAGE_1): the retry says where it resumes, and starting over is the other choice.
    expect(await within(dialog).findByRole('button', { name: 'Start over from stage 1' })).toBeInTheDocument();
    await user.click(await within(dialog).findByRole('button', { name: 'Retry from stage 2' }));
    expect(backend.callsTo('entries:retry')).toEqual([{ id: failed.id, from: 'failed-stage' }]);
    expect(await screen.findByText('Retry from stage 2 scheduled')).toBeInTheDocument();
    // The detail and the list were invalidated: the fake backend puts it back to Created everywhere.
    await waitFor(() => expect(within(dialog).queryByRole('button', { name: /^Retry/ })).not.toBeInTheDocument());
    expect(dialog.querySelector('[data-status="CREATED"]')).toHaveTextContent('Created');
  });

  it('offers no Retry for an entry that did not fail, and shows its result', async () => {
    const { backend } = seed();
    renderApp(backend);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Archive logs'));
    const dialog = await screen.findByRole('dialog', { name: 'Archive logs' });
    expect(await within(dialog).findByRole('region', { name: 'Result' })).toHaveTextContent('All done at 2025-01-01');
    expect(within(dialog).queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('opens with Enter on a focused row and closes with Escape', async () => {
    const { backend } = seed();
    renderApp(backend);
    const user = userEvent.setup();
    const row = await screen.findByRole('row', { name: /^Archive logs,/ });
    row.focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('dialog', { name: 'Archive logs' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    // Focus returns to where it was, so keyboard users keep their place.
    expect(row).toHaveFocus();
  });
});
