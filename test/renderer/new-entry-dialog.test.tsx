import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { TITLE_MAX } from '../../src/shared/contract';
import { FakeBackend } from './fake-bridge';
import { renderApp } from './render-app';

async function openDialog() {
  const user = userEvent.setup();
  await user.click(screen.getAllByRole('button', { name: /New entry/ })[0]!);
  const dialog = await screen.findByRole('dialog', { name: 'New entry' });
  return { user, dialog, input: within(dialog).getByLabelText('Title') };
}

describe('new entry dialog', () => {
  it('opens with Ctrl+N (and Cmd+N) with the labelled title field focused', async () => {
    renderApp(new FakeBackend());
    const user = userEvent.setup();
    await user.keyboard('{Control>}n{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'New entry' });
    expect(within(dialog).getByLabelText('Title')).toHaveFocus();
    await user.keyboard('{Escape}');
    await user.keyboard('{Meta>}n{/Meta}');
    expect(await screen.findByRole('dialog', { name: 'New entry' })).toBeInTheDocument();
  });

  it('submits on Enter, closes, refreshes the list and toasts', async () => {
    const backend = new FakeBackend();
    renderApp(backend);
    await screen.findByText('No entries yet');
    const { user, input } = await openDialog();
    await user.type(input, 'Reconcile March invoices{Enter}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(backend.callsTo('entries:create')).toEqual([{ title: 'Reconcile March invoices' }]);
    expect(await screen.findByText('Entry created')).toBeInTheDocument();
    // The mutation invalidated the list, so the row shows without waiting for a poll.
    expect(await screen.findByRole('row', { name: /^Reconcile March invoices,/ })).toBeInTheDocument();
  });

  it('shows the backend’s error inline for an empty title and keeps the dialog open', async () => {
    const backend = new FakeBackend();
    renderApp(backend);
    const { user, dialog, input } = await openDialog();
    await user.type(input, '{Enter}');
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('title must not be empty');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(expect.stringContaining('title must not be empty'));
    expect(backend.entries).toHaveLength(0);
    expect(await screen.findByText('Could not create the entry')).toBeInTheDocument();
  });

  it('counts characters against the limit and shows the backend’s error for a 500-character title', async () => {
    const backend = new FakeBackend();
    renderApp(backend);
    const { user, dialog, input } = await openDialog();
    expect(within(dialog).getByText(`0/${TITLE_MAX}`)).toBeInTheDocument();
    await user.click(input);
    await user.paste('x'.repeat(500));
    expect(within(dialog).getByText(`500/${TITLE_MAX}`)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Create entry' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(`title must be at most ${TITLE_MAX} characters`);
    expect(backend.entries).toHaveLength(0);
  });

  it('closes on Escape', async () => {
    renderApp(new FakeBackend());
    const { user } = await openDialog();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
