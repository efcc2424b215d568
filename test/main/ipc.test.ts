import { describe, expect, it, vi } from 'vitest';
import type { IpcMain } from 'electron';
import { CHANNELS, ipcChannelName } from '../../src/shared/channels';
import type { Envelope } from '../../src/shared/contract';
import { handleInvoke, registerIpc, type IpcTrust } from '../../src/main/ipc';
import type { SenderEventLike } from '../../src/main/sender-check';
import { APP_ORIGIN } from '../../src/main/url-policy';

type Handler = (event: SenderEventLike, payload: unknown) => Promise<Envelope<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Handler>();
  const ipc = {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => {
      handlers.delete(channel);
    },
  };
  // The fake implements exactly the two methods registerIpc is typed to use.
  return { handlers, ipc: ipc as unknown as Pick<IpcMain, 'handle' | 'removeHandler'> };
}

const trust: IpcTrust = { webContentsId: () => 1, allowedOrigin: APP_ORIGIN };
const ours: SenderEventLike = { sender: { id: 1 }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };
const stranger: SenderEventLike = { sender: { id: 2 }, senderFrame: { url: 'https://evil.test/', parent: null } };
const quietLog = { warn: vi.fn(), error: vi.fn() };

describe('registerIpc', () => {
  it('registers exactly one handler per contract channel, under the prefixed name, and removes them', () => {
    const { handlers, ipc } = fakeIpcMain();
    const undo = registerIpc(ipc, { invoke: vi.fn() }, trust, quietLog);
    expect([...handlers.keys()].sort()).toEqual(CHANNELS.map(ipcChannelName).sort());
    undo();
    expect(handlers.size).toBe(0);
  });

  it('passes the payload to the core unchanged, on the contract channel name, and returns its envelope', async () => {
    const { handlers, ipc } = fakeIpcMain();
    const reply: Envelope<unknown> = { ok: true, data: { id: 'x' } };
    const invoke = vi.fn((_channel: string, _payload: unknown) => Promise.resolve(reply));
    registerIpc(ipc, { invoke }, trust, quietLog);
    const payload = { title: 'hello', extra: [1, 2] };
    const handler = handlers.get(ipcChannelName('entries:create'));
    expect(await handler?.(ours, payload)).toBe(reply);
    expect(invoke).toHaveBeenCalledWith('entries:create', payload);
    expect(invoke.mock.calls[0]?.[1]).toBe(payload);
  });

  it('answers a foreign sender with an error envelope and never reaches the core', async () => {
    const invoke = vi.fn();
    const log = { warn: vi.fn(), error: vi.fn() };
    const result = await handleInvoke({ invoke }, trust, log, 'entries:list', stranger, {});
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('refused') as unknown } });
    expect(invoke).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledOnce();
  });

  it('refuses every sender while no window exists', async () => {
    const invoke = vi.fn();
    const noWindow: IpcTrust = { webContentsId: () => undefined, allowedOrigin: APP_ORIGIN };
    expect((await handleInvoke({ invoke }, noWindow, quietLog, 'entries:stats', ours, {})).ok).toBe(false);
    expect(invoke).not.toHaveBeenCalled();
  });

  it('turns a core that throws into an INTERNAL envelope instead of a rejected invoke', async () => {
    const log = { warn: vi.fn(), error: vi.fn() };
    const boom = new Error('store died');
    const result = await handleInvoke({ invoke: () => Promise.reject(boom) }, trust, log, 'entries:get', ours, { id: 'a' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(log.error).toHaveBeenCalledWith(expect.stringContaining('entries:get'), boom);
  });
});
