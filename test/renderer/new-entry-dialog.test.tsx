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

  it('keeps Create disabled for an empty or blank title, and says why once, in words, without a toast', async () => {
    const backend = new FakeBackend();
    renderApp(backend);
    const { user, dialog, input } = await openDialog();
    const create = within(dialog).getByRole('button', { name: 'Create entry' });
    // Nothing typed: disabled, but nothing to shout about yet.
    expect(create).toBeDisabled();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    await user.type(input, '   {Enter}');
    expect(create).toBeDisabled();
    expect(within(dialog).getAllByRole('alert').map((a) => a.textContent)).toEqual(['Give the entry a title.']);
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(expect.stringContaining('Give the entry a title.'));
    expect(backend.callsTo('entries:create')).toEqual([]);
    expect(screen.queryByText('Could not create the entry')).not.toBeInTheDocument();
  });

  it('counts as the core does: trimmed, in code points; 200 is accepted and 201 is not', async () => {
    const backend = new FakeBackend();
    renderApp(backend);
    const { user, dialog, input } = await openDialog();
    const create = within(dialog).getByRole('button', { name: 'Create entry' });
    expect(within(dialog).getByText(`0/${TITLE_MAX}`)).toBeInTheDocument();
    await user.click(input);
    // 201 emoji: 402 UTF-16 units, 201 characters.
    await user.paste('😀'.repeat(TITLE_MAX + 1));
    expect(within(dialog).getByText(`${TITLE_MAX + 1}/${TITLE_MAX}`)).toBeInTheDocument();
    expect(create).toBeDisabled();
    expect(within(dialog).getByRole('alert')).toHaveTextContent(`That title is ${TITLE_MAX + 1} characters long; shorten it to ${TITLE_MAX} or fewer.`);
    await user.clear(input);
    // Spaces around are trimmed, as the core trims them: 204 typed, 200 counted, and accepted.
    await user.paste(`  ${'x'.repeat(TITLE_MAX)}  `);
    expect(within(dialog).getByText(`${TITLE_MAX}/${TITLE_MAX}`)).toBeInTheDocument();
    expect(within(dialog).queryByRole('alert')).not.toBeInTheDocument();
    await user.click(create);
    await waitFor(() => expect(backend.callsTo('entries:create')).toEqual([{ title: `  ${'x'.repeat(TITLE_MAX)}  ` }]));
    expect(backend.entries.map((e) => e.title)).toEqual(['x'.repeat(TITLE_MAX)]);
  });

  it('closes on Escape', async () => {
    renderApp(new FakeBackend());
    const { user } = await openDialog();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
  });
});
