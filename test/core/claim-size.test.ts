import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AUTO_BATCH_MAX, AUTO_BATCH_MAX_ONE_CONNECTION, SLOW_BATCH_MS, SLOW_MS_PER_ENTRY, adaptiveClaimSize, slowBatch } from '../../src/main/core/claim-size';
import type { Clock } from '../../src/main/core/options';
import { sleep } from '../../src/main/core/pipeline';
import { describeEachDriver, ok, openDriverCore, waitFor } from '../support/core';

describe('adaptive claim size', () => {
  it('doubles on full quick batches up to the cap, drops to one on a slow batch, shrinks to what was there', () => {
    const size = adaptiveClaimSize(16);
    const seen: number[] = [];
    for (let i = 0; i < 6; i++) {
      seen.push(size.current());
      size.observe(size.current(), size.current(), 1);
    }
    expect(seen).toEqual([1, 2, 4, 8, 16, 16]);
    size.observe(16, 5, 1);
    expect(size.current()).toBe(5);
    size.observe(5, 5, SLOW_BATCH_MS + 5 * SLOW_MS_PER_ENTRY);
    expect(size.current()).toBe(1);
    size.observe(1, 0, null);
    expect(size.current()).toBe(1);
  });

  it('stays within 1..max and is 1 after any slow batch or empty claim (property)', () => {
    const step = fc.record({ got: fc.nat(200), ms: fc.option(fc.double({ min: 0, max: 5000, noNaN: true })) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 128 }), fc.array(step, { maxLength: 60 }), (max, steps) => {
        const size = adaptiveClaimSize(max);
        for (const s of steps) {
          const asked = size.current();
          // A claim never returns more than it asked for.
          const got = Math.min(asked, s.got);
          size.observe(asked, got, got === 0 ? null : s.ms);
          const now = size.current();
          expect(now).toBeGreaterThanOrEqual(1);
          expect(now).toBeLessThanOrEqual(max);
          if (got === 0 || (s.ms !== null && slowBatch(got, s.ms))) expect(now).toBe(1);
          else expect(now).toBeLessThanOrEqual(Math.max(got * 2, 1));
        }
      }),
    );
  });
});

describe('a slow batch', () => {
  it('is one whose stages took SLOW_BATCH_MS, plus a little per entry for the bookkeeping that grows with the batch', () => {
    expect(slowBatch(1, SLOW_BATCH_MS + SLOW_MS_PER_ENTRY)).toBe(true);
    expect(slowBatch(1, SLOW_BATCH_MS - 1)).toBe(false);
    // 512 no-op stages whose batch read 40 ms because a sibling loop's statement ran in between:
    // not slow, or the size would fall back to one in the middle of a backlog.
    expect(slowBatch(512, 40)).toBe(false);
    // The demo's 2 s stage is slow at any batch size the ceilings allow.
    expect(slowBatch(AUTO_BATCH_MAX_ONE_CONNECTION, 2000)).toBe(true);
  });
});

/** Monotonic time that never moves: every batch reads 0 ms, so the claim size grows on the backlog alone, on any machine load. */
const frozenBatches: Clock = { now: () => Date.now(), monotonic: () => 0 };

describeEachDriver('the default claim size', (driver) => {
  it('grows past the server ceiling only where all loops share one connection (PGlite)', async () => {
    const core = await openDriverCore(driver, { workers: 0 });
    const N = 600;
    for (let i = 0; i < N; i++) await ok(core.invoke('entries:create', { title: `backlog ${i}` }));
    await core.close();
    const running = await core.reopen({ workers: 2, stageDelayMs: 0, clock: frozenBatches });
    const sizes: number[] = [];
    running.events.on('claimed', ({ ids }) => sizes.push(ids.length));
    await waitFor(async () => (await ok(running.invoke('entries:stats', {}))).counts.COMPLETED === N || undefined, 'all entries to complete', 120_000);
    const oneConnection = running.capabilities.oneConnection;
    await running.close();
    expect(oneConnection).toBe(driver === 'embedded');
    const most = Math.max(...sizes);
    if (oneConnection) {
      expect(most).toBeGreaterThan(AUTO_BATCH_MAX);
      expect(most).toBeLessThanOrEqual(AUTO_BATCH_MAX_ONE_CONNECTION);
    } else {
      expect(most).toBe(AUTO_BATCH_MAX);
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3 * N);
  });

  it('batches quick stages that meet a backlog, within the cap, and loses no step', async () => {
    const core = await openDriverCore(driver, { workers: 0 });
    const N = 400;
    for (let i = 0; i < N; i++) await ok(core.invoke('entries:create', { title: `quick ${i}` }));
    await core.close();
    const running = await core.reopen({ workers: 4, stageDelayMs: 0 });
    const sizes: number[] = [];
    running.events.on('claimed', ({ ids }) => sizes.push(ids.length));
    await waitFor(async () => (await ok(running.invoke('entries:stats', {}))).counts.COMPLETED === N || undefined, 'all entries to complete', 120_000);
    await running.close();
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(driver === 'embedded' ? AUTO_BATCH_MAX_ONE_CONNECTION : AUTO_BATCH_MAX);
    // Every stage of every entry claimed exactly once: 3 stages × N.
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3 * N);
  });

  it('keeps one entry per loop while stages are slow: no more stages run at once than there are loops', async () => {
    const core = await openDriverCore(driver, { workers: 0 });
    const N = 24;
    for (let i = 0; i < N; i++) await ok(core.invoke('entries:create', { title: `slow ${i}` }));
    await core.close();
    let inFlight = 0;
    let most = 0;
    const slow = {
      name: 'slow',
      run: async ({ signal }: { signal: AbortSignal }) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          await sleep(SLOW_BATCH_MS * 2, signal);
        } finally {
          inFlight -= 1;
        }
      },
    };
    const running = await core.reopen({ workers: 3, pipeline: [slow] });
    const sizes: number[] = [];
    running.events.on('claimed', ({ ids }) => sizes.push(ids.length));
    await waitFor(async () => (await ok(running.invoke('entries:stats', {}))).counts.COMPLETED === N || undefined, 'all entries to complete', 60_000);
    await running.close();
    expect(sizes.every((n) => n === 1)).toBe(true);
    expect(most).toBeLessThanOrEqual(3);
  });
});
