import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { HeaderCheckbox, RowCheckbox } from '../../src/renderer/src/components/SelectCheckbox';
import { handleSelectionKey } from '../../src/renderer/src/lib/selection';

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key: k,
  shiftKey: false,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe('selection keys', () => {
  it('x toggles the focused row, Shift+X extends the range, Esc clears, modifiers are left alone', () => {
    const actions = { toggle: vi.fn(), clear: vi.fn(), hasSelection: true };
    expect(handleSelectionKey(key('x'), 'e1', actions)).toBe(true);
    expect(actions.toggle).toHaveBeenLastCalledWith('e1', false);
    expect(handleSelectionKey(key('X', { shiftKey: true }), 'e2', actions)).toBe(true);
    expect(actions.toggle).toHaveBeenLastCalledWith('e2', true);
    expect(handleSelectionKey(key('x', { ctrlKey: true }), 'e1', actions)).toBe(false);
    expect(handleSelectionKey(key('x'), null, actions)).toBe(false);
    expect(handleSelectionKey(key('Escape'), 'e1', actions)).toBe(true);
    expect(actions.clear).toHaveBeenCalledOnce();
    // Nothing selected: Esc is not ours (it closes whatever else is open).
    expect(handleSelectionKey(key('Escape'), 'e1', { ...actions, hasSelection: false })).toBe(false);
    expect(actions.toggle).toHaveBeenCalledTimes(2);
  });
});

describe('checkboxes', () => {
  it('a row checkbox reports shift-clicks as ranges and does not let the click reach the row', async () => {
    const onToggle = vi.fn();
    const onRow = vi.fn();
    render(
      <div onClick={onRow}>
        <RowCheckbox checked={false} label="Select Reconcile payouts" onToggle={onToggle} />
      </div>,
    );
    const user = userEvent.setup();
    const box = screen.getByRole('checkbox', { name: 'Select Reconcile payouts' });
    await user.click(box);
    await user.keyboard('{Shift>}');
    await user.click(box);
    await user.keyboard('{/Shift}');
    expect(onToggle.mock.calls).toEqual([[false], [true]]);
    expect(onRow).not.toHaveBeenCalled();
  });

  it('the header checkbox is mixed while some are ticked, and says what it does', async () => {
    const onChange = vi.fn();
    const { rerender } = render(<HeaderCheckbox state="none" onChange={onChange} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('checkbox', { name: 'Select the loaded entries' }));
    expect(onChange).toHaveBeenLastCalledWith(true);
    rerender(<HeaderCheckbox state="some" onChange={onChange} />);
    const mixed = screen.getByRole('checkbox', { name: 'Clear the selection' });
    expect((mixed as HTMLInputElement).indeterminate).toBe(true);
    await user.click(mixed);
    expect(onChange).toHaveBeenLastCalledWith(false);
  });
});
