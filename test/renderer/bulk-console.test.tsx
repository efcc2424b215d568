import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Entry } from '../../src/shared/contract';
import { BulkBar } from '../../src/renderer/src/components/BulkBar';
import { ConfirmDialog, bulkConfirmCopy } from '../../src/renderer/src/components/ConfirmDialog';
import { NO_SELECTION, selectAllMatching } from '../../src/renderer/src/lib/selection';
import { BulkHarness } from './console-harness';
import { FakeBackend, makeEntry } from './fake-bridge';
import { renderWithBackend } from './render-console';

const ALL = { status: null, search: '' };

function failedEntries(n: number): Entry[] {
  return Array.from({ length: n }, (_, i) => makeEntry({ status: 'FAILED', title: `Failed ${i}` }));
}

describe('BulkBar', () => {
  it('renders nothing with nothing selected', () => {
    const { container } = renderWithBackend(
      <BulkBar count={0} allMatching={false} matching={{ count: 10, capped: false }} busy={null} onAction={vi.fn()} onSelectAllMatching={vi.fn()} onClear={vi.fn()} />,
      new FakeBackend(),
    );
    expect(container.querySelector('[role="toolbar"]')).toBeNull();
  });

  it('says how many, offers every action and "select all N matching", all by keyboard', async () => {
    const onAction = vi.fn();
    const onSelectAllMatching = vi.fn();
    const onClear = vi.fn();
    renderWithBackend(
      <BulkBar count={2} allMatching={false} matching={{ count: 2481, capped: false }} busy={null} onAction={onAction} onSelectAllMatching={onSelectAllMatching} onClear={onClear} />,
      new FakeBackend(),
    );
    const bar = screen.getByRole('toolbar', { name: 'Selected entries' });
    expect(within(bar).getByRole('status')).toHaveTextContent('2 entries selected');
    const user = userEvent.setup();
    await user.tab();
    expect(within(bar).getByRole('button', { name: 'Select all 2,481 matching' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onSelectAllMatching).toHaveBeenCalledOnce();
    for (const [name, action] of [['Retry', 'retry'], ['Cancel', 'cancel'], ['Delete', 'delete']] as const) {
      await user.tab();
      expect(within(bar).getByRole('button', { name })).toHaveFocus();
      await user.keyboard(' ');
      expect(onAction).toHaveBeenLastCalledWith(action);
    }
    await user.tab();
    expect(within(bar).getByRole('button', { name: 'Clear selection' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onClear).toHaveBeenCalledOnce();
  });

  it('under "all matching" says so (with a capped count) and offers no wider selection; a running action disables the buttons', () => {
    renderWithBackend(
      <BulkBar count={10000} allMatching matching={{ count: 10000, capped: true }} busy="delete" onAction={vi.fn()} onSelectAllMatching={vi.fn()} onClear={vi.fn()} />,
      new FakeBackend(),
    );
    expect(screen.getByRole('status')).toHaveTextContent('All 10,000+ matching selected');
    expect(screen.queryByRole('button', { name: /Select all/ })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Deleting…' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeDisabled();
  });
});

describe('ConfirmDialog', () => {
  it('names the action and the count, focuses the safe button, and Esc closes without acting', async () => {
    const onConfirm = vi.fn();
    const onOpenChange = vi.fn();
    const copy = bulkConfirmCopy('delete', 2481, selectAllMatching({ status: 'FAILED' }));
    renderWithBackend(<ConfirmDialog open onOpenChange={onOpenChange} {...copy} onConfirm={onConfirm} />, new FakeBackend());
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete all 2,481 failed entries? This cannot be undone.' });
    expect(within(dialog).getByRole('button', { name: 'Go back' })).toHaveFocus();
    const confirm = within(dialog).getByRole('button', { name: 'Delete 2,481 entries' });
    expect(confirm.className).toContain('bg-rose-600');
    const user = userEvent.setup();
    await user.keyboard('{Escape}');
    expect(onOpenChange).toHaveBeenCalledWith(false);
    expect(onConfirm).not.toHaveBeenCalled();
  });

  it('words each action', () => {
    expect(bulkConfirmCopy('retry', 1, NO_SELECTION)).toMatchObject({ title: 'Retry 1 entry?', confirmLabel: 'Retry 1 entry', destructive: false });
    expect(bulkConfirmCopy('cancel', 12, NO_SELECTION)).toMatchObject({ title: 'Cancel 12 entries?', destructive: true });
    expect(bulkConfirmCopy('delete', 10000, selectAllMatching({}), true).title).toBe('Delete all 10,000+ entries? This cannot be undone.');
  });
});

describe('selecting and acting on entries (wired as in the app)', () => {
  it('x-style toggles and shift-click ranges over the loaded rows send those ids', async () => {
    const entries = failedEntries(6);
    const backend = new FakeBackend(entries);
    renderWithBackend(<BulkHarness filters={ALL} />, backend);
    const user = userEvent.setup();
    // Newest first: Failed 5 … Failed 0.
    await user.click(await screen.findByRole('checkbox', { name: 'Failed 5' }));
    await user.keyboard('{Shift>}');
    await user.click(screen.getByRole('checkbox', { name: 'Failed 2' }));
    await user.keyboard('{/Shift}');
    expect(screen.getByRole('status')).toHaveTextContent('4 entries selected');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Retry 4 entries?' });
    await user.click(within(dialog).getByRole('button', { name: 'Retry 4 entries' }));
    expect(await screen.findByText('Retried 4 entries')).toBeInTheDocument();
    const [call] = backend.callsTo('entries:bulk') as { action: string; ids: string[] }[];
    expect(call?.action).toBe('retry');
    expect([...call!.ids].sort()).toEqual(entries.slice(2).map((e) => e.id).sort());
    // Done: the selection is cleared and the dialog is gone.
    await waitFor(() => expect(screen.queryByRole('toolbar')).not.toBeInTheDocument());
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  it('"select all matching" covers entries beyond the loaded page: it sends the filter, not ids', async () => {
    const backend = new FakeBackend([...failedEntries(130), makeEntry({ status: 'COMPLETED', title: 'Done' })]);
    renderWithBackend(<BulkHarness filters={{ status: 'FAILED', search: '' }} />, backend);
    const user = userEvent.setup();
    // One page of 100 is loaded; 130 match.
    await user.click(await screen.findByRole('checkbox', { name: 'Failed 129' }));
    expect(screen.getAllByRole('checkbox')).toHaveLength(100);
    await user.click(screen.getByRole('button', { name: 'Select all 130 matching' }));
    expect(screen.getByRole('status')).toHaveTextContent('All 130 matching selected');
    expect(screen.getAllByRole('checkbox').every((c) => (c as HTMLInputElement).checked)).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Delete all 130 failed entries? This cannot be undone.' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete 130 entries' }));
    expect(await screen.findByText('Deleted 130 entries')).toBeInTheDocument();
    expect(backend.callsTo('entries:bulk')).toEqual([{ action: 'delete', filter: { status: 'FAILED' } }]);
    expect(backend.entries.map((e) => e.title)).toEqual(['Done']);
    // The list's poll was refreshed: the deleted rows are gone from the screen.
    await waitFor(() => expect(screen.queryAllByRole('checkbox')).toHaveLength(0));
  });

  it('reports what the core skipped', async () => {
    const backend = new FakeBackend([makeEntry({ status: 'STAGE_1', title: 'Running' }), makeEntry({ status: 'COMPLETED', title: 'Finished' })]);
    renderWithBackend(<BulkHarness filters={ALL} />, backend);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('checkbox', { name: 'Running' }));
    await user.click(screen.getByRole('checkbox', { name: 'Finished' }));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Cancel 2 entries' }));
    expect(await screen.findByText('Cancelled 1 entry; 1 had already finished')).toBeInTheDocument();
  });
});
