import { describe, expect, it, vi } from 'vitest';
import { createBridge, createInvoke } from '../../src/preload/bridge';

describe('preload bridge', () => {
  it('exposes exactly invoke and onChange', () => {
    expect(Object.keys(createBridge(vi.fn(), vi.fn()))).toEqual(['invoke', 'onChange']);
  });

  it('sends contract channels under their IPC name with the payload untouched, and resolves to the envelope', async () => {
    const reply = { ok: true, data: { total: 1 } };
    const transport = vi.fn(() => Promise.resolve(reply));
    const payload = {};
    const result = await createBridge(transport, vi.fn()).invoke('entries:stats', payload);
    expect(result).toBe(reply);
    expect(transport).toHaveBeenCalledWith('entryflow:entries:stats', payload);
  });

  it('refuses unknown channels without touching IPC', async () => {
    const transport = vi.fn();
    const invoke = createInvoke(transport);
    for (const channel of ['entries:purge', 'entryflow:entries:list', '', 42, null, { toString: () => 'entries:list' }]) {
      const result = await invoke(channel, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
    expect(transport).not.toHaveBeenCalled();
  });

  it('never rejects: a failed or malformed IPC reply becomes an INTERNAL envelope', async () => {
    const rejected = createInvoke(() => Promise.reject(new Error("No handler registered for 'entryflow:entries:list'")));
    await expect(rejected('entries:list', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringContaining('No handler registered') as unknown },
    });
    const thrown = createInvoke(() => {
      throw new Error('An object could not be cloned.');
    });
    await expect(thrown('entries:list', {})).resolves.toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    for (const reply of [undefined, null, 'ok', { ok: true }, { ok: false, error: 'x' }]) {
      await expect(createInvoke(() => Promise.resolve(reply))('entries:list', {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'INTERNAL' },
      });
    }
  });
});
