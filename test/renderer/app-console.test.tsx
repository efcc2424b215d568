/**
 * The console as App wires it (jsdom, FakeBackend): the table's checkboxes and keys feed the bulk
 * bar, Esc clears only when no dialog takes it, and the drawer offers Cancel or Delete by status.
 */
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderApp } from './render-app';

const titles = ['Alpha', 'Bravo', 'Charlie', 'Delta'];

function backend(): FakeBackend {
  return new FakeBackend(titles.map((title) => makeEntry({ title, status: 'CREATED' })));
}

const rowOf = (title: string) => screen.getByRole('row', { name: new RegExp(`^${title}, `) });

describe('the console in App', () => {
  it('x ticks the focused row, shift-click spans a range, Esc clears; the bulk cancel names its count', async () => {
    const fake = backend();
    renderApp(fake);
    const user = userEvent.setup();
    const first = await screen.findByRole('row', { name: /^Alpha, / });
    first.focus();
    await user.keyboard('x');
    const bar = screen.getByRole('toolbar', { name: 'Selected entries' });
    expect(within(bar).getByRole('status')).toHaveTextContent('1 entry selected');
    expect(rowOf('Alpha')).toHaveAttribute('aria-selected', 'true');

    await user.keyboard('{Shift>}');
    await user.click(within(rowOf('Charlie')).getByRole('checkbox'));
    await user.keyboard('{/Shift}');
    expect(within(bar).getByRole('status')).toHaveTextContent('3 entries selected');
    expect(rowOf('Delta')).toHaveAttribute('aria-selected', 'false');
    // A shift-click ticks; it does not open the drawer.
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();

    await user.click(within(bar).getByRole('button', { name: 'Cancel' }));
    const confirm = await screen.findByRole('alertdialog', { name: 'Cancel 3 entries?' });
    // Esc closes the confirmation and leaves the selection alone.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(confirm).not.toBeInTheDocument());
    expect(within(bar).getByRole('status')).toHaveTextContent('3 entries selected');

    await user.click(within(bar).getByRole('button', { name: 'Cancel' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel 3 entries' }));
    expect(await screen.findByText('Cancelled 3 entries')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('toolbar', { name: 'Selected entries' })).not.toBeInTheDocument());
    await waitFor(() => expect(rowOf('Bravo')).toHaveAttribute('data-status', 'CANCELLED'));
    expect(rowOf('Delta')).toHaveAttribute('data-status', 'CREATED');

    // Esc with ticks and no dialog clears them.
    rowOf('Delta').focus();
    await user.keyboard('x');
    expect(screen.getByRole('toolbar', { name: 'Selected entries' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('toolbar', { name: 'Selected entries' })).not.toBeInTheDocument();
  });

  it('the drawer offers Cancel while an entry waits and Delete (confirmed) once it is finished', async () => {
    const fake = backend();
    renderApp(fake);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('row', { name: /^Bravo, / }));
    const drawer = await screen.findByRole('dialog', { name: 'Bravo' });
    expect(within(drawer).queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    await user.click(await within(drawer).findByRole('button', { name: 'Cancel entry' }));
    await within(drawer).findByRole('region', { name: 'Cancelled' });
    await user.click(await within(drawer).findByRole('button', { name: 'Delete' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Delete entry' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Bravo' })).not.toBeInTheDocument());
    await waitFor(() => expect(screen.queryByRole('row', { name: /^Bravo, / })).not.toBeInTheDocument());
  });
});
