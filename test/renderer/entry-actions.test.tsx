import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { EntryActions } from '../../src/renderer/src/components/EntryActions';
import { useCancelEntry, useDeleteEntry } from '../../src/renderer/src/data/entries-actions';
import type { Entry } from '../../src/shared/contract';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderWithBackend } from './render-console';

/** Wired as the detail drawer would wire it. */
function Wired({ entry }: { entry: Entry }) {
  const cancel = useCancelEntry();
  const del = useDeleteEntry();
  return (
    <EntryActions
      status={entry.status}
      busy={cancel.isPending ? 'cancel' : del.isPending ? 'delete' : null}
      onCancel={() => cancel.mutate(entry.id)}
      onDelete={() => del.mutate(entry.id)}
    />
  );
}

describe('EntryActions', () => {
  it('offers Cancel on a running entry and no Delete', async () => {
    const entry = makeEntry({ status: 'STAGE_1' });
    const backend = new FakeBackend([entry]);
    renderWithBackend(<Wired entry={entry} />, backend);
    expect(screen.queryByRole('button', { name: 'Delete' })).not.toBeInTheDocument();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Cancel entry' }));
    expect(await screen.findByText('Entry cancelled')).toBeInTheDocument();
    expect(backend.entries[0]?.status).toBe('CANCELLED');
  });

  it('deletes a finished entry only after a confirmation that starts on the safe button', async () => {
    const entry = makeEntry({ status: 'COMPLETED' });
    const backend = new FakeBackend([entry]);
    renderWithBackend(<Wired entry={entry} />, backend);
    expect(screen.queryByRole('button', { name: 'Cancel entry' })).not.toBeInTheDocument();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete this entry? This cannot be undone.' });
    expect(within(dialog).getByRole('button', { name: 'Go back' })).toHaveFocus();
    expect(backend.callsTo('entries:delete')).toEqual([]);
    await user.click(within(dialog).getByRole('button', { name: 'Delete entry' }));
    expect(await screen.findByText('Entry deleted')).toBeInTheDocument();
    await waitFor(() => expect(backend.entries).toEqual([]));
  });
});
