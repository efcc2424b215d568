import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { PauseToggle } from '../../src/renderer/src/components/PauseToggle';
import { validateSettings } from '../../src/renderer/src/components/SettingsDialog';
import { queueUpdateRequest } from '../../src/shared/contract';
import { QueueHarness } from './console-harness';
import { FakeBackend } from './fake-bridge';
import { renderWithBackend } from './render-console';

describe('PauseToggle', () => {
  it('shows Paused prominently and offers Resume; waits while the state is unknown', async () => {
    const onChange = vi.fn();
    const { rerender } = renderWithBackend(<PauseToggle paused={undefined} pending={false} onChange={onChange} />, new FakeBackend());
    expect(screen.getByRole('button', { name: 'Pause queue' })).toBeDisabled();
    rerender(<PauseToggle paused pending={false} onChange={onChange} />);
    expect(screen.getByRole('status')).toHaveTextContent('Paused');
    await userEvent.setup().click(screen.getByRole('button', { name: 'Resume queue' }));
    expect(onChange).toHaveBeenCalledWith(false);
  });

  it('pauses and resumes the stored queue, with toasts', async () => {
    const backend = new FakeBackend();
    renderWithBackend(<QueueHarness />, backend);
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Pause queue' }));
    expect(await screen.findByRole('button', { name: 'Resume queue' })).toBeEnabled();
    expect(backend.console.queue.paused).toBe(true);
    expect(screen.getAllByText('Paused').length).toBeGreaterThanOrEqual(2); // the pill and the toast
    await user.click(screen.getByRole('button', { name: 'Resume queue' }));
    expect(await screen.findByText('Resumed')).toBeInTheDocument();
    expect(backend.console.queue.paused).toBe(false);
  });
});

describe('SettingsDialog', () => {
  async function open(backend: FakeBackend) {
    renderWithBackend(<QueueHarness />, backend);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Queue settings' });
    return { user, dialog };
  }

  it('starts from the stored settings, with Workers focused, and saves them', async () => {
    const backend = new FakeBackend();
    const { user, dialog } = await open(backend);
    const workers = await within(dialog).findByLabelText('Workers');
    expect(workers).toHaveValue('4');
    expect(workers).toHaveFocus();
    expect(within(dialog).getByLabelText('Stage delay')).toHaveValue('2000');
    expect(within(dialog).getByLabelText('Delete after')).toHaveValue('30');
    await user.clear(workers);
    await user.type(workers, '16');
    await user.click(within(dialog).getByLabelText('Forever (never delete them)'));
    expect(within(dialog).queryByLabelText('Delete after')).not.toBeInTheDocument();
    await user.click(within(dialog).getByLabelText(/Notify me when an entry fails/));
    await user.click(within(dialog).getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(backend.callsTo('queue:update')).toEqual([{ workers: 16, stageDelayMs: 2000, retentionDays: null, notifyOnFailure: false }]);
    expect(backend.console.queue).toMatchObject({ workers: 16, retentionDays: null, notifyOnFailure: false });
  });

  it('says what is wrong beside each field and keeps Save disabled', async () => {
    const { user, dialog } = await open(new FakeBackend());
    const workers = await within(dialog).findByLabelText('Workers');
    await user.clear(workers);
    await user.type(workers, '65');
    expect(workers).toHaveAttribute('aria-invalid', 'true');
    expect(workers).toHaveAccessibleDescription(expect.stringContaining('Use a whole number from 1 to 64.'));
    const days = within(dialog).getByLabelText('Delete after');
    await user.clear(days);
    await user.type(days, '0');
    expect(days).toHaveAccessibleDescription(expect.stringContaining('from 1 to 36,500, or keep them forever'));
    expect(within(dialog).getByRole('button', { name: 'Save settings' })).toBeDisabled();
  });

  it("shows the core's refusal once, in the dialog, not as a toast", async () => {
    const backend = new FakeBackend();
    backend.console.queueFailure = { code: 'UNAVAILABLE', message: 'Entryflow is shutting down.' };
    const { user, dialog } = await open(backend);
    await within(dialog).findByLabelText('Workers');
    await user.click(within(dialog).getByRole('button', { name: 'Save settings' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The settings were not saved: Entryflow is shutting down.');
    expect(screen.getAllByText(/Entryflow is shutting down\./)).toHaveLength(1);
    // Esc closes; opening again starts clean.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(within(await screen.findByRole('dialog')).queryByRole('alert')).not.toBeInTheDocument();
  });

  it('validates as the contract does (property: accepted forms pass queueUpdateRequest)', () => {
    const cases = [
      ['1', '0', false, '1'],
      ['64', '600000', false, '36500'],
      ['0', '0', true, ''],
      ['65', '10', true, ''],
      ['4', '-1', true, ''],
      ['4', '1.5', true, ''],
      ['4', '10', false, '36501'],
      [' 8 ', '10', true, 'x'],
    ] as const;
    for (const [workers, stageDelayMs, keepForever, retentionDays] of cases) {
      const { update } = validateSettings({ workers, stageDelayMs, keepForever, retentionDays, notifyOnFailure: true });
      const raw = {
        workers: Number(workers),
        stageDelayMs: Number(stageDelayMs),
        retentionDays: keepForever ? null : Number(retentionDays),
        notifyOnFailure: true,
      };
      expect(update !== null).toBe(queueUpdateRequest.safeParse(raw).success);
    }
  });
});
