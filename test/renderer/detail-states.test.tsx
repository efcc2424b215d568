/**
 * Issue 13 in the renderer: a running entry reads the same in its row and its drawer; a waiting
 * retry says "attempt N of M" and when; a refused retry is said once; CANCELLED is shown and can be
 * retried; the banner says what is true for each way the core can be away.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { CLOSED_MESSAGE, SHUTTING_DOWN_MESSAGE } from '../../src/shared/core-messages';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

describe('running, retrying and cancelled entries', () => {
  it('a running entry says "Running stage N" with the live dot in its row and in the drawer header', async () => {
    // Claimed in CREATED: stage 1 is under way. The drawer used to say "Created" here.
    const running = makeEntry({ title: 'Index photos', status: 'CREATED', progress: 0, attempts: 1, lockedBy: 'worker-2' });
    renderApp(new FakeBackend([running]));
    const row = await screen.findByRole('row', { name: 'Index photos, Running stage 1, 0%' });
    expect(row.querySelector('[data-live-dot]')).not.toBeNull();
    await userEvent.setup().click(row);
    const dialog = await screen.findByRole('dialog', { name: 'Index photos' });
    const badge = dialog.querySelector('[data-status="CREATED"]');
    expect(badge).toHaveTextContent(/^Running stage 1$/);
    expect(badge?.querySelector('[data-live-dot]')).not.toBeNull();
  });

  it('a failed attempt waiting for its retry says "attempt 2 of 3" and when, in the row and the drawer', async () => {
    const waiting = makeEntry({ title: 'Flaky import', status: 'CREATED', attempts: 1, error: 'upstream refused', runAfter: inMinutes(4) });
    renderApp(new FakeBackend([waiting]));
    const row = await screen.findByRole('row', { name: 'Flaky import, Created, attempt 2 of 3, 0%' });
    expect(row).toHaveTextContent(/attempt 2 of 3 · retry in \d+m/);
    await userEvent.setup().click(row);
    const dialog = await screen.findByRole('dialog', { name: 'Flaky import' });
    expect(await within(dialog).findByTestId('next-attempt')).toHaveTextContent(/^Attempt 2 of 3 · retry in \d+m$/);
    expect(within(dialog).getByText('Attempts').nextElementSibling).toHaveTextContent('1 of 3');
  });

  it('a refused retry is said once, in the drawer, not again in a toast', async () => {
    const failed = makeEntry({ title: 'Sync calendar', status: 'FAILED', progress: 33, attempts: 3, error: 'boom' });
    const backend = new FakeBackend([failed]);
    backend.refusals.set('entries:retry', { code: 'CONFLICT', message: 'The entry changed since it was shown; look again.' });
    renderApp(backend);
    const user = userEvent.setup();
    await user.click(await screen.findByText('Sync calendar'));
    const dialog = await screen.findByRole('dialog', { name: 'Sync calendar' });
    await user.click(await within(dialog).findByRole('button', { name: 'Retry' }));
    expect(await within(dialog).findByText('The entry changed since it was shown; look again.')).toBeInTheDocument();
    // Give a toast every chance to appear: it must not.
    await new Promise((ok) => setTimeout(ok, 300));
    expect(screen.getAllByText('The entry changed since it was shown; look again.')).toHaveLength(1);
  });

  it('shows CANCELLED in the pills, the row and the drawer, and retries it with "Retry"', async () => {
    const cancelled = makeEntry({ title: 'Old export', status: 'CANCELLED', progress: 40, attempts: 1 });
    const backend = new FakeBackend([cancelled, makeEntry({ title: 'Other' })]);
    renderApp(backend);
    const user = userEvent.setup();
    const row = await screen.findByRole('row', { name: 'Old export, Cancelled, 40%' });
    expect(screen.getByRole('button', { name: /^Cancelled\s*1$/ })).toBeInTheDocument();
    await user.click(row);
    const dialog = await screen.findByRole('dialog', { name: 'Old export' });
    const region = within(dialog).getByRole('region', { name: 'Cancelled' });
    expect(region).toHaveTextContent('This entry was cancelled');
    await user.click(within(region).getByRole('button', { name: 'Retry' }));
    expect(backend.callsTo('entries:retry')).toEqual([{ id: cancelled.id, from: 'failed-stage' }]);
    expect(await screen.findByText('Retry scheduled')).toBeInTheDocument();
  });
});

describe('the banner says what is true', () => {
  async function bannerFor(message: string, code: 'UNAVAILABLE' | 'INTERNAL' = 'UNAVAILABLE') {
    const backend = new FakeBackend([makeEntry({ title: 'Archive logs' })]);
    renderApp(backend);
    await screen.findByText('Archive logs');
    backend.failure = { code, message };
    const alert = await screen.findByRole('alert', {}, { timeout: 5000 });
    await waitFor(() => expect(document.querySelector('[data-stale]')).not.toBeNull());
    return alert;
  }

  it('unreachable: trying again every 2 s, with Retry now', async () => {
    const alert = await bannerFor('The Entryflow backend did not answer.');
    expect(alert).toHaveTextContent('Can’t reach the pipeline.');
    expect(alert).toHaveTextContent('Trying again every 2 s');
    expect(within(alert).getByRole('button', { name: 'Retry now' })).toBeInTheDocument();
  });

  it('shutting down: no promise to try again, no button', async () => {
    const alert = await bannerFor(SHUTTING_DOWN_MESSAGE);
    expect(alert).toHaveTextContent('Entryflow is shutting down.');
    expect(alert).not.toHaveTextContent('Trying again');
    expect(within(alert).queryByRole('button')).not.toBeInTheDocument();
  });

  it('stopped: says it has stopped, not that it is trying again; the header says Stopped', async () => {
    const alert = await bannerFor(CLOSED_MESSAGE);
    expect(alert).toHaveTextContent('Entryflow has stopped.');
    expect(alert).not.toHaveTextContent('Trying again');
    expect(alert).not.toHaveTextContent('shutting down');
    expect(within(alert).queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByRole('banner')).toHaveTextContent('Stopped');
  });
});
