import { describe, expect, it, vi } from 'vitest';
import type { CorePort } from '../../src/main/core-port';
import { createSmokeProbe, isSmokeRun, runSmoke, type SmokeInputs } from '../../src/main/smoke';

const about = { version: '1.2.3', platform: 'darwin', arch: 'arm64' };

function core(createAnswer: Awaited<ReturnType<CorePort['invoke']>>) {
  return { invoke: vi.fn(() => Promise.resolve(createAnswer)) };
}

function inputs(over: Partial<SmokeInputs>): SmokeInputs {
  return {
    pageLoaded: Promise.resolve(),
    core: Promise.resolve(core({ ok: true, data: { id: 'e1', title: 't' } })),
    reload: vi.fn(),
    probe: createSmokeProbe(),
    about,
    now: () => 0,
    ...over,
  };
}

describe('smoke run', () => {
  it('only runs when ENTRYFLOW_SMOKE_TEST is exactly 1', () => {
    expect(isSmokeRun({ ENTRYFLOW_SMOKE_TEST: '1' })).toBe(true);
    expect(isSmokeRun({ ENTRYFLOW_SMOKE_TEST: 'true' })).toBe(false);
    expect(isSmokeRun({})).toBe(false);
  });

  it('passes once the page is answered a list holding the created entry, through the tapped port', async () => {
    const probe = createSmokeProbe();
    const backend = { invoke: vi.fn(() => Promise.resolve({ ok: true as const, data: { items: [{ id: 'e1' }] } })) };
    const page = probe.tap(backend);
    const reload = vi.fn(() => void page.invoke('entries:list', {}));
    const result = await runSmoke(inputs({ probe, reload }));
    expect(result).toEqual({ smoke: 'passed', step: 'page', ms: 0, entryId: 'e1', ...about });
    expect(reload).toHaveBeenCalledOnce();
  });

  it('fails at the core step with the reason, even while the page is still loading', async () => {
    const result = await runSmoke(
      inputs({
        pageLoaded: new Promise<void>(() => undefined),
        core: Promise.reject(Object.assign(new Error('held by pid 7'), { code: 'DATA_DIR_LOCKED' })),
      }),
    );
    expect(result).toMatchObject({ smoke: 'failed', step: 'core', error: 'DATA_DIR_LOCKED: held by pid 7' });
  });

  it('fails at the window step when the page does not load', async () => {
    const result = await runSmoke(inputs({ pageLoaded: Promise.reject(new Error('ERR_FILE_NOT_FOUND')) }));
    expect(result).toMatchObject({ smoke: 'failed', step: 'window', error: 'ERR_FILE_NOT_FOUND' });
  });

  it('fails at the create step when the core refuses the entry', async () => {
    const refused = core({ ok: false, error: { code: 'UNAVAILABLE', message: 'shutting down' } });
    const result = await runSmoke(inputs({ core: Promise.resolve(refused) }));
    expect(result).toMatchObject({ smoke: 'failed', step: 'create', error: 'UNAVAILABLE: shutting down' });
  });

  it('fails at the deadline naming the step it was stuck at (the page never listed the entry)', async () => {
    let fire: (() => void) | undefined;
    const running = runSmoke(
      inputs({
        timeoutMs: 1234,
        setTimer: (fn, ms) => {
          expect(ms).toBe(1234);
          fire = fn;
          return { cancel: () => undefined };
        },
      }),
    );
    expect(fire).toBeDefined();
    // Let every step that can finish finish: only the page's list is missing.
    await new Promise((r) => setImmediate(r));
    fire?.();
    expect(await running).toMatchObject({ smoke: 'failed', step: 'page', entryId: 'e1', error: expect.stringContaining('1234 ms') as unknown });
  });
});
