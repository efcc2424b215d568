/**
 * Issue 13, item 7 in the renderer: a drawer opened while the core does not answer still shows the
 * row's data; Ctrl+N does not stack a dialog over an open drawer; Esc and ArrowDown in the search box
 * hand the keyboard to the list.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

function seed() {
  const failed = makeEntry({ title: 'Sync calendar', status: 'FAILED', progress: 33, error: 'upstream answered 503' });
  const done = makeEntry({ title: 'Archive logs', status: 'COMPLETED', progress: 100, result: 'All done' });
  return new FakeBackend([failed, done]);
}

const focusedEntryId = () => (document.activeElement as HTMLElement | null)?.dataset.entryId;

describe('offline drawer, shortcuts and the search box', () => {
  it('a drawer opened while the core does not answer shows the row it came from', async () => {
    const backend = seed();
    renderApp(backend);
    const user = userEvent.setup();
    const title = await screen.findByText('Sync calendar');
    backend.failure = { code: 'UNAVAILABLE', message: 'The Entryflow backend is not connected.' };
    await user.click(title);
    const dialog = await screen.findByRole('dialog', { name: 'Sync calendar' });
    expect(within(dialog).getByText('upstream answered 503')).toBeInTheDocument();
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The Entryflow backend is not connected.');
    // Still named for the entry, not "Entry", after the failed fetch.
    expect(screen.getByRole('dialog', { name: 'Sync calendar' })).toBe(dialog);
  });

  it('Ctrl+N over an open drawer does not stack the new-entry dialog on it', async () => {
    renderApp(seed());
    const user = userEvent.setup();
    await user.click(await screen.findByText('Archive logs'));
    await screen.findByRole('dialog', { name: 'Archive logs' });
    await user.keyboard('{Control>}n{/Control}');
    expect(screen.queryByRole('dialog', { name: 'New entry' })).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.keyboard('{Control>}n{/Control}');
    expect(await screen.findByRole('dialog', { name: 'New entry' })).toBeInTheDocument();
  });

  it('Esc in the search box clears it and returns focus to the list; ArrowDown moves into the list', async () => {
    renderApp(seed());
    const user = userEvent.setup();
    await screen.findByText('Archive logs');
    const search = screen.getByRole('searchbox');
    await user.click(search);
    await user.keyboard('{ArrowDown}');
    expect(focusedEntryId()).toBeDefined();
    await user.click(search);
    await user.type(search, 'zzz');
    await user.keyboard('{Escape}');
    expect(search).toHaveValue('');
    expect(focusedEntryId()).toBeDefined();
  });
});
