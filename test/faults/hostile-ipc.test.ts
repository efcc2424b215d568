/**
 * Case 6: hostile IPC input. fast-check throws arbitrary JSON, deep nesting, huge strings,
 * `__proto__`/`constructor` keys (made by JSON.parse, as IPC's structured clone would deliver them),
 * wrong and non-string channels at `invoke`. Every answer must be an error envelope or a result of
 * the right shape, no call may throw or stall, and the table must hold exactly what valid creates made.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNELS, ERROR_CODES, STATUSES, type Envelope } from '../../src/shared/contract';
import { ok, openTestCore } from '../support/core';
import { FAULT_SEED, recordFigures } from './support/faults';

const CALL_TIMEOUT_MS = 5_000;
const RUNS_PER_CHANNEL = Number(process.env.FAULT_IPC_RUNS ?? '600');

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`stalled: ${what}`)), CALL_TIMEOUT_MS)))]).finally(() => clearTimeout(timer));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isEntry = (v: unknown) =>
  isObj(v) && typeof v.id === 'string' && typeof v.title === 'string' && STATUSES.includes(v.status as (typeof STATUSES)[number]) && typeof v.createdAt === 'string';

/** Shape of an answer: an error envelope with a known code and a message, or the channel's result. */
function checkEnvelope(channel: unknown, r: unknown): string | null {
  if (!isObj(r)) return 'not an object';
  if (r.ok === false) {
    const e = r.error;
    if (!isObj(e) || !ERROR_CODES.includes(e.code as (typeof ERROR_CODES)[number]) || typeof e.message !== 'string' || e.message.length === 0) return 'bad error body';
    if (e.message.length > 2000) return 'error message too long';
    return null;
  }
  if (r.ok !== true) return 'ok is not boolean';
  const d = r.data;
  switch (channel) {
    case 'entries:create':
    case 'entries:retry':
    case 'entries:cancel':
      return isEntry(d) ? null : 'bad entry';
    case 'entries:delete':
      return isObj(d) && typeof d.id === 'string' ? null : 'bad delete result';
    case 'entries:bulk':
      return isObj(d) && typeof d.affected === 'number' && typeof d.skipped === 'number' ? null : 'bad bulk result';
    case 'entries:export':
      return isObj(d) && (d.path === null || typeof d.path === 'string') && typeof d.count === 'number' ? null : 'bad export result';
    case 'queue:state':
    case 'queue:update':
      return isObj(d) && typeof d.paused === 'boolean' && typeof d.workers === 'number' ? null : 'bad queue state';
    case 'stats:throughput':
      return isObj(d) && Array.isArray(d.buckets) && Array.isArray(d.stages) ? null : 'bad throughput';
    case 'entries:get':
      return isEntry(d) && isObj(d) && Array.isArray(d.events) ? null : 'bad detail';
    case 'entries:list':
      return isObj(d) && Array.isArray(d.items) && d.items.every(isEntry) && isObj(d.counts) ? null : 'bad page';
    case 'entries:stats':
      return isObj(d) && typeof d.total === 'number' && isObj(d.counts) ? null : 'bad stats';
    default:
      return 'ok answer on an unknown channel';
  }
}

const deep = fc.integer({ min: 50, max: 5000 }).map((n) => JSON.parse('{"a":'.repeat(n) + '1' + '}'.repeat(n)) as unknown);
const huge = fc.integer({ min: 100_000, max: 2_000_000 }).map((n) => 'x'.repeat(n));
const protoKeys = fc
  .constantFrom(
    '{"__proto__":{"title":"polluted"}}',
    '{"title":"t","__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"title":"p"}}}',
    '{"__proto__":null,"title":"ok"}',
    '{"id":"x","constructor":"y"}',
    '{"limit":5,"__proto__":{"limit":100000}}',
  )
  .map((s) => JSON.parse(s) as unknown);
const titleish = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 250 }), huge);
const nearValid = fc.oneof(
  fc.record({ title: titleish }),
  fc.record({ title: titleish, extra: fc.jsonValue() }),
  fc.record({ id: fc.oneof(fc.string({ maxLength: 80 }), fc.jsonValue()) }),
  fc.record({ status: fc.string(), search: fc.string(), cursor: fc.string({ maxLength: 600 }), limit: fc.oneof(fc.integer(), fc.double()) }, { requiredKeys: [] }),
);
const payload = fc.oneof(fc.jsonValue(), deep, huge, protoKeys, nearValid, fc.constant(undefined), fc.anything());
const channel = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...CHANNELS) },
  { weight: 1, arbitrary: fc.oneof(fc.string(), fc.constantFrom('entries:purge', 'ENTRIES:CREATE', 'entries:create ', '__proto__', 'constructor', 'toString')) },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined), fc.object(), fc.array(fc.string())) },
);

describe('hostile IPC input', () => {
  it('answers every call with a well-formed envelope, quickly, storing only valid creates', async () => {
    const core = await openTestCore({ workers: 0 });
    let calls = 0;
    let created = 0;
    let deleted = 0;
    let errors = 0;
    const slowest = { ms: 0 };
    const run = async (ch: unknown, p: unknown) => {
      const t = performance.now();
      const invoke = (c: unknown, q: unknown): Promise<Envelope<unknown>> => core.invoke(c as string, q);
      const r: unknown = await withTimeout(invoke(ch, p), String(ch));
      slowest.ms = Math.max(slowest.ms, performance.now() - t);
      calls++;
      const problem = checkEnvelope(ch, r);
      if (problem) throw new Error(`${problem}: channel ${String(ch)} answered ${JSON.stringify(r).slice(0, 300)}`);
      if (ch === 'entries:create' && isObj(r) && r.ok === true) created++;
      // The console's channels may legitimately remove what fuzzed creates made.
      if (ch === 'entries:delete' && isObj(r) && r.ok === true) deleted++;
      if (ch === 'entries:bulk' && isObj(p) && p.action === 'delete' && isObj(r) && r.ok === true && isObj(r.data)) deleted += Number(r.data.affected);
      if (isObj(r) && r.ok === false) errors++;
    };
    // Per channel, then mixed channels (unknown and non-string ones included).
    for (const [i, ch] of CHANNELS.entries()) {
      await fc.assert(fc.asyncProperty(payload, (p) => run(ch, p)), { numRuns: RUNS_PER_CHANNEL, seed: FAULT_SEED + i });
    }
    await fc.assert(fc.asyncProperty(channel, payload, (ch, p) => run(ch, p)), { numRuns: RUNS_PER_CHANNEL * 2, seed: FAULT_SEED + 99 });
    expect(({} as Record<string, unknown>).title).toBeUndefined();
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    const stats = await ok(core.invoke('entries:stats', {}));
    expect(stats.total).toBe(created - deleted);
    console.log(`[faults] hostile IPC: ${calls} calls, ${created} valid creates stored, ${errors} error envelopes, slowest ${slowest.ms.toFixed(0)} ms`);
    recordFigures('hostileIpc', { calls, created, rows: stats.total, errors, slowestMs: Math.round(slowest.ms), seed: FAULT_SEED });
  });
});
