import { describe, expect, it, vi } from 'vitest';
import { createBridge, createInvoke } from '../../src/preload/bridge';
import { CHANGE_EVENT } from '../../src/shared/channels';
import type { ChangeNotice } from '../../src/shared/contract';

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

  it('onChange hands on well-formed notices only, as plain data, with the entry a notification click asks to open', () => {
    let deliver: (payload: unknown) => void = () => undefined;
    const unsubscribe = vi.fn();
    const subscribe = vi.fn((channel: string, listener: (payload: unknown) => void) => {
      expect(channel).toBe(CHANGE_EVENT);
      deliver = listener;
      return unsubscribe;
    });
    const got: ChangeNotice[] = [];
    const off = createBridge(vi.fn(), subscribe).onChange((notice) => got.push(notice));

    deliver({ entries: true, queue: false, sender: { id: 1 } });
    deliver({ entries: true, queue: false, open: '01a246c8-ddd9-7b89-ad01-fcf1716f73c8' });
    for (const bad of [null, 'changed', { entries: 'yes', queue: false }, { entries: true }, { entries: true, queue: false, open: 7 },
      { entries: true, queue: false, open: '' }, { entries: true, queue: false, open: 'x'.repeat(65) }, { entries: true, queue: false, open: '../settings' }]) {
      deliver(bad);
    }
    expect(got).toEqual([
      { entries: true, queue: false },
      { entries: true, queue: false, open: '01a246c8-ddd9-7b89-ad01-fcf1716f73c8' },
    ]);
    off();
    expect(unsubscribe).toHaveBeenCalledOnce();
  });
});
