/**
 * Bad input on every channel: each is answered with an error envelope carrying the right code and
 * a message that names the offending field, stores nothing, and leaves the core working. Plus the
 * valid edge cases the validation must not reject or alter.
 */
import { expect, it } from 'vitest';
import { CHANNELS, type Channel, type Entry, type Envelope, type ErrorCode } from '../../src/shared/contract';
import type { Core } from '../../src/main/core/index';
import { encodeCursor } from '../../src/main/core/cursor';
import { describeEachDriver, ok, openDriverCore, waitFor } from '../support/core';

const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);
/** A well-formed UUIDv7 that no entry has. */
const ABSENT_ID = '0190a6b2-7c3d-7e4f-8a9b-0c1d2e3f4a5b';

interface Bad {
  name: string;
  channel: string;
  payload: unknown;
  code: ErrorCode;
  /** What the message must say: the field it names, or the reason. */
  message: RegExp;
}

async function total(core: Core): Promise<number> {
  return (await ok(core.invoke('entries:stats', {}))).total;
}

/** Sends one bad call and checks the envelope, that nothing was stored, and that the core still works. */
async function expectRejected(core: Core, bad: Bad): Promise<void> {
  const before = await total(core);
  const res: Envelope<unknown> = await core.invoke(bad.channel, bad.payload);
  expect(res.ok, `${bad.name} should be refused`).toBe(false);
  if (res.ok) return;
  // Exactly { code, message }: no stack, no cause, nothing else leaks across the boundary.
  expect(Object.keys(res.error).sort(), bad.name).toEqual(['code', 'message']);
  expect(res.error.code, `${bad.name}: ${res.error.message}`).toBe(bad.code);
  expect(res.error.message, bad.name).toMatch(bad.message);
  // A 5 MB input must not come back in the message.
  expect(res.error.message.length, bad.name).toBeLessThan(1000);
  expect(await total(core), `${bad.name} stored something`).toBe(before);
}

const nonObjects: [string, unknown][] = [
  ['null', null],
  ['a number', 42],
  ['a boolean', true],
  ['a string', 'entries'],
  ['an array', [{ title: 'x' }]],
  ['an empty array', []],
];

function proto(json: string): unknown {
  // JSON.parse makes "__proto__" etc. own properties, exactly as structured clone over IPC would.
  const parsed: unknown = JSON.parse(json);
  return parsed;
}

const createCases: Bad[] = [
  { name: 'undefined payload', channel: 'entries:create', payload: undefined, code: 'INVALID_INPUT', message: /expected object/ },
  ...nonObjects.map(([name, payload]): Bad => ({ name: `payload ${name}`, channel: 'entries:create', payload, code: 'INVALID_INPUT', message: /expected object/ })),
  { name: 'missing title', channel: 'entries:create', payload: {}, code: 'INVALID_INPUT', message: /title is required/ },
  { name: 'empty title', channel: 'entries:create', payload: { title: '' }, code: 'INVALID_INPUT', message: /title must not be empty/ },
  { name: 'whitespace title', channel: 'entries:create', payload: { title: ' \u00a0\u3000 ' }, code: 'INVALID_INPUT', message: /title must not be empty/ },
  { name: '201-char title', channel: 'entries:create', payload: { title: 'a'.repeat(201) }, code: 'INVALID_INPUT', message: /title must be at most 200/ },
  { name: '5 MB title', channel: 'entries:create', payload: { title: FIVE_MB }, code: 'INVALID_INPUT', message: /title must be at most 200/ },
  { name: 'NUL in title', channel: 'entries:create', payload: { title: 'a\u0000b' }, code: 'INVALID_INPUT', message: /title must not contain control characters/ },
  ...['\n', '\r', '\t', '\u0007', '\u001b', '\u007f', '\u0085', '\u009f'].map(
    (c): Bad => ({
      name: `control char U+${c.charCodeAt(0).toString(16).padStart(4, '0')} inside title`,
      channel: 'entries:create',
      payload: { title: `before${c}after` },
      code: 'INVALID_INPUT',
      message: /title must not contain control characters/,
    }),
  ),
  { name: 'lone high surrogate', channel: 'entries:create', payload: { title: 'a\ud800b' }, code: 'INVALID_INPUT', message: /title must be valid Unicode/ },
  { name: 'lone low surrogate', channel: 'entries:create', payload: { title: '\udc00' }, code: 'INVALID_INPUT', message: /title must be valid Unicode/ },
  ...([
    ['number', 5],
    ['boolean', false],
    ['object', { text: 'x' }],
    ['array', ['x']],
    ['null', null],
  ] as const).map(([name, title]): Bad => ({ name: `title as ${name}`, channel: 'entries:create', payload: { title }, code: 'INVALID_INPUT', message: /title must be a string/ })),
  { name: 'extra key', channel: 'entries:create', payload: { title: 'ok', priority: 1 }, code: 'INVALID_INPUT', message: /unknown field: priority/ },
  { name: 'id smuggled in', channel: 'entries:create', payload: { title: 'ok', id: ABSENT_ID }, code: 'INVALID_INPUT', message: /unknown field: id/ },
  { name: 'status smuggled in', channel: 'entries:create', payload: { title: 'ok', status: 'COMPLETED' }, code: 'INVALID_INPUT', message: /unknown field: status/ },
  { name: '__proto__ key', channel: 'entries:create', payload: proto('{"title":"ok","__proto__":{"polluted":true}}'), code: 'INVALID_INPUT', message: /unknown field: __proto__/ },
  { name: 'constructor key', channel: 'entries:create', payload: proto('{"title":"ok","constructor":{"prototype":{"polluted":true}}}'), code: 'INVALID_INPUT', message: /unknown field: constructor/ },
  { name: 'prototype key', channel: 'entries:create', payload: proto('{"title":"ok","prototype":{"polluted":true}}'), code: 'INVALID_INPUT', message: /unknown field: prototype/ },
  { name: '5 MB unknown key', channel: 'entries:create', payload: { title: 'ok', [FIVE_MB]: 1 }, code: 'INVALID_INPUT', message: /unknown field: x{40}$/ },
];

const wrongVersionCursor = Buffer.from(JSON.stringify({ v: 2, id: ABSENT_ID }), 'utf8').toString('base64url');
const listCases: Bad[] = [
  ...nonObjects.map(([name, payload]): Bad => ({ name: `payload ${name}`, channel: 'entries:list', payload, code: 'INVALID_INPUT', message: /expected object/ })),
  { name: 'extra key', channel: 'entries:list', payload: { offset: 10 }, code: 'INVALID_INPUT', message: /unknown field: offset/ },
  { name: '__proto__ key', channel: 'entries:list', payload: proto('{"__proto__":{"limit":1}}'), code: 'INVALID_INPUT', message: /unknown field: __proto__/ },
  { name: 'constructor key', channel: 'entries:list', payload: proto('{"constructor":{}}'), code: 'INVALID_INPUT', message: /unknown field: constructor/ },
  { name: 'prototype key', channel: 'entries:list', payload: proto('{"prototype":{}}'), code: 'INVALID_INPUT', message: /unknown field: prototype/ },
  { name: 'limit 0', channel: 'entries:list', payload: { limit: 0 }, code: 'INVALID_INPUT', message: /limit must be at least 1/ },
  { name: 'limit -1', channel: 'entries:list', payload: { limit: -1 }, code: 'INVALID_INPUT', message: /limit must be at least 1/ },
  { name: 'limit 201', channel: 'entries:list', payload: { limit: 201 }, code: 'INVALID_INPUT', message: /limit must be at most 200/ },
  { name: 'limit 1.5', channel: 'entries:list', payload: { limit: 1.5 }, code: 'INVALID_INPUT', message: /limit must be a whole number/ },
  { name: "limit '10'", channel: 'entries:list', payload: { limit: '10' }, code: 'INVALID_INPUT', message: /limit must be a number/ },
  { name: 'limit NaN', channel: 'entries:list', payload: { limit: Number.NaN }, code: 'INVALID_INPUT', message: /limit/ },
  { name: 'limit Infinity', channel: 'entries:list', payload: { limit: Number.POSITIVE_INFINITY }, code: 'INVALID_INPUT', message: /limit/ },
  { name: 'limit null', channel: 'entries:list', payload: { limit: null }, code: 'INVALID_INPUT', message: /limit must be a number/ },
  { name: 'limit boolean', channel: 'entries:list', payload: { limit: true }, code: 'INVALID_INPUT', message: /limit must be a number/ },
  { name: 'unknown status', channel: 'entries:list', payload: { status: 'DONE' }, code: 'INVALID_INPUT', message: /status must be one of CREATED/ },
  { name: 'lower-case status', channel: 'entries:list', payload: { status: 'created' }, code: 'INVALID_INPUT', message: /status must be one of/ },
  { name: 'empty status', channel: 'entries:list', payload: { status: '' }, code: 'INVALID_INPUT', message: /status must be one of/ },
  { name: 'status as number', channel: 'entries:list', payload: { status: 1 }, code: 'INVALID_INPUT', message: /status must be one of/ },
  { name: 'status as array', channel: 'entries:list', payload: { status: ['CREATED'] }, code: 'INVALID_INPUT', message: /status must be one of/ },
  { name: 'garbage cursor', channel: 'entries:list', payload: { cursor: 'not a cursor!' }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: 'empty cursor', channel: 'entries:list', payload: { cursor: '' }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: 'base64 of non-JSON', channel: 'entries:list', payload: { cursor: Buffer.from('hello world').toString('base64url') }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: 'base64 of wrong JSON', channel: 'entries:list', payload: { cursor: Buffer.from('[1,2,3]').toString('base64url') }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: 'base64 of JSON null', channel: 'entries:list', payload: { cursor: Buffer.from('null').toString('base64url') }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: 'cursor with wrong version', channel: 'entries:list', payload: { cursor: wrongVersionCursor }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  {
    name: 'cursor with a bad id',
    channel: 'entries:list',
    payload: { cursor: Buffer.from(JSON.stringify({ v: 1, id: "x' OR '1'='1" })).toString('base64url') },
    code: 'INVALID_INPUT',
    message: /cursor is malformed/,
  },
  {
    name: 'cursor with a numeric id',
    channel: 'entries:list',
    payload: { cursor: Buffer.from(JSON.stringify({ v: 1, id: 7 })).toString('base64url') },
    code: 'INVALID_INPUT',
    message: /cursor is malformed/,
  },
  { name: 'standard base64 with padding', channel: 'entries:list', payload: { cursor: `${Buffer.from(JSON.stringify({ v: 1, id: 'abc' })).toString('base64')}==` }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: '5 MB cursor', channel: 'entries:list', payload: { cursor: FIVE_MB }, code: 'INVALID_INPUT', message: /cursor is malformed/ },
  { name: 'cursor as number', channel: 'entries:list', payload: { cursor: 12 }, code: 'INVALID_INPUT', message: /cursor must be a string/ },
  { name: '5 MB search', channel: 'entries:list', payload: { search: FIVE_MB }, code: 'INVALID_INPUT', message: /search must be at most 200/ },
  { name: 'NUL in search', channel: 'entries:list', payload: { search: 'a\u0000' }, code: 'INVALID_INPUT', message: /search must not contain control characters/ },
  { name: 'newline in search', channel: 'entries:list', payload: { search: 'a\nb' }, code: 'INVALID_INPUT', message: /search must not contain control characters/ },
  { name: 'lone surrogate in search', channel: 'entries:list', payload: { search: '\ud83d' }, code: 'INVALID_INPUT', message: /search must be valid Unicode/ },
  { name: 'search as object', channel: 'entries:list', payload: { search: { $regex: '.*' } }, code: 'INVALID_INPUT', message: /search must be a string/ },
  { name: 'from not an id', channel: 'entries:list', payload: { from: "x' OR '1'='1" }, code: 'INVALID_INPUT', message: /^from: id has an invalid format$/ },
  { name: 'from as number', channel: 'entries:list', payload: { from: 7 }, code: 'INVALID_INPUT', message: /^from: id must be a string$/ },
  { name: 'cursor and from', channel: 'entries:list', payload: { cursor: Buffer.from(JSON.stringify({ v: 1, id: 'abc' })).toString('base64url'), from: 'abc' }, code: 'INVALID_INPUT', message: /pass cursor or from, not both/ },
];

function idCases(channel: 'entries:get' | 'entries:retry' | 'entries:cancel' | 'entries:delete'): Bad[] {
  return [
    { name: `${channel} undefined payload`, channel, payload: undefined, code: 'INVALID_INPUT', message: /expected object/ },
    ...nonObjects.map(([name, payload]): Bad => ({ name: `${channel} payload ${name}`, channel, payload, code: 'INVALID_INPUT', message: /expected object/ })),
    { name: `${channel} missing id`, channel, payload: {}, code: 'INVALID_INPUT', message: /id must be a string/ },
    { name: `${channel} empty id`, channel, payload: { id: '' }, code: 'INVALID_INPUT', message: /id must not be empty/ },
    { name: `${channel} whitespace id`, channel, payload: { id: '   ' }, code: 'INVALID_INPUT', message: /id has an invalid format/ },
    { name: `${channel} 65-char id`, channel, payload: { id: 'a'.repeat(65) }, code: 'INVALID_INPUT', message: /id must be at most 64/ },
    { name: `${channel} 5 MB id`, channel, payload: { id: FIVE_MB }, code: 'INVALID_INPUT', message: /id must be at most 64/ },
    { name: `${channel} NUL in id`, channel, payload: { id: 'a\u0000b' }, code: 'INVALID_INPUT', message: /id has an invalid format/ },
    { name: `${channel} lone surrogate id`, channel, payload: { id: '\ud800' }, code: 'INVALID_INPUT', message: /id has an invalid format/ },
    { name: `${channel} SQL in id`, channel, payload: { id: "' OR 1=1 --" }, code: 'INVALID_INPUT', message: /id has an invalid format/ },
    { name: `${channel} LIKE wildcard id`, channel, payload: { id: '%' }, code: 'INVALID_INPUT', message: /id has an invalid format/ },
    ...([
      ['number', 1],
      ['boolean', true],
      ['object', { id: 'x' }],
      ['array', [ABSENT_ID]],
      ['null', null],
    ] as const).map(([name, id]): Bad => ({ name: `${channel} id as ${name}`, channel, payload: { id }, code: 'INVALID_INPUT', message: /id must be a string/ })),
    { name: `${channel} extra key`, channel, payload: { id: ABSENT_ID, force: true }, code: 'INVALID_INPUT', message: /unknown field: force/ },
    { name: `${channel} __proto__ key`, channel, payload: proto(`{"id":"${ABSENT_ID}","__proto__":{"x":1}}`), code: 'INVALID_INPUT', message: /unknown field: __proto__/ },
    { name: `${channel} constructor key`, channel, payload: proto(`{"id":"${ABSENT_ID}","constructor":1}`), code: 'INVALID_INPUT', message: /unknown field: constructor/ },
    { name: `${channel} prototype key`, channel, payload: proto(`{"id":"${ABSENT_ID}","prototype":1}`), code: 'INVALID_INPUT', message: /unknown field: prototype/ },
    { name: `${channel} unknown well-formed id`, channel, payload: { id: ABSENT_ID }, code: 'NOT_FOUND', message: new RegExp(`No entry with id ${ABSENT_ID}`) },
    { name: `${channel} unknown short id`, channel, payload: { id: 'abc' }, code: 'NOT_FOUND', message: /No entry with id abc/ },
  ];
}

const bulkCases: Bad[] = [
  { name: 'bulk undefined payload', channel: 'entries:bulk', payload: undefined, code: 'INVALID_INPUT', message: /expected object/ },
  { name: 'bulk no action', channel: 'entries:bulk', payload: { ids: [ABSENT_ID] }, code: 'INVALID_INPUT', message: /action must be one of retry, cancel, delete/ },
  { name: 'bulk unknown action', channel: 'entries:bulk', payload: { action: 'purge', ids: [ABSENT_ID] }, code: 'INVALID_INPUT', message: /action must be one of/ },
  { name: 'bulk neither ids nor filter', channel: 'entries:bulk', payload: { action: 'delete' }, code: 'INVALID_INPUT', message: /pass ids or filter, exactly one/ },
  { name: 'bulk both ids and filter', channel: 'entries:bulk', payload: { action: 'delete', ids: [ABSENT_ID], filter: {} }, code: 'INVALID_INPUT', message: /pass ids or filter, exactly one/ },
  { name: 'bulk empty ids', channel: 'entries:bulk', payload: { action: 'retry', ids: [] }, code: 'INVALID_INPUT', message: /ids must name at least one entry/ },
  { name: 'bulk too many ids', channel: 'entries:bulk', payload: { action: 'retry', ids: Array.from({ length: 10_001 }, () => ABSENT_ID) }, code: 'INVALID_INPUT', message: /at most 10000 entries; select by filter instead/ },
  { name: 'bulk SQL in an id', channel: 'entries:bulk', payload: { action: 'cancel', ids: ["' OR 1=1 --"] }, code: 'INVALID_INPUT', message: /id has an invalid format/ },
  { name: 'bulk ids not a list', channel: 'entries:bulk', payload: { action: 'cancel', ids: ABSENT_ID }, code: 'INVALID_INPUT', message: /ids must be a list of ids/ },
  { name: 'bulk bad status', channel: 'entries:bulk', payload: { action: 'cancel', filter: { status: 'DONE' } }, code: 'INVALID_INPUT', message: /status must be one of/ },
  { name: 'bulk 5 MB search', channel: 'entries:bulk', payload: { action: 'delete', filter: { search: FIVE_MB } }, code: 'INVALID_INPUT', message: /search must be at most 200/ },
  { name: 'bulk filter extra key', channel: 'entries:bulk', payload: { action: 'delete', filter: { title: 'x' } }, code: 'INVALID_INPUT', message: /unknown field: title/ },
];

const statsCases: Bad[] = [
  ...nonObjects.map(([name, payload]): Bad => ({ name: `payload ${name}`, channel: 'entries:stats', payload, code: 'INVALID_INPUT', message: /expected object/ })),
  { name: 'extra key', channel: 'entries:stats', payload: { reset: true }, code: 'INVALID_INPUT', message: /unknown field: reset/ },
  { name: '__proto__ key', channel: 'entries:stats', payload: proto('{"__proto__":{"x":1}}'), code: 'INVALID_INPUT', message: /unknown field: __proto__/ },
  { name: 'constructor key', channel: 'entries:stats', payload: proto('{"constructor":1}'), code: 'INVALID_INPUT', message: /unknown field: constructor/ },
  { name: 'prototype key', channel: 'entries:stats', payload: proto('{"prototype":1}'), code: 'INVALID_INPUT', message: /unknown field: prototype/ },
  // The message names a few of them, not all 20 000 (it crosses IPC and may be shown to a person).
  {
    name: '20 000 unknown keys',
    channel: 'entries:stats',
    payload: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i])),
    code: 'INVALID_INPUT',
    message: /^unknown fields: k0, k1, k2, k3, k4 and 19995 more$/,
  },
];

const exportCases: Bad[] = [
  { name: 'export undefined payload', channel: 'entries:export', payload: undefined, code: 'INVALID_INPUT', message: /expected object/ },
  { name: 'export no format', channel: 'entries:export', payload: {}, code: 'INVALID_INPUT', message: /format must be one of csv, json/ },
  { name: 'export unknown format', channel: 'entries:export', payload: { format: 'xlsx' }, code: 'INVALID_INPUT', message: /format must be one of csv, json/ },
  // The renderer never names where a file goes: main's save dialog does.
  { name: 'export with a path', channel: 'entries:export', payload: { format: 'csv', path: '/etc/passwd' }, code: 'INVALID_INPUT', message: /unknown field: path/ },
  { name: 'export NUL in search', channel: 'entries:export', payload: { format: 'csv', filter: { search: 'a\u0000b' } }, code: 'INVALID_INPUT', message: /control characters/ },
];

const queueCases: Bad[] = [
  { name: 'state extra key', channel: 'queue:state', payload: { paused: true }, code: 'INVALID_INPUT', message: /unknown field: paused/ },
  { name: 'update not an object', channel: 'queue:update', payload: 'pause', code: 'INVALID_INPUT', message: /expected object/ },
  { name: 'update paused as text', channel: 'queue:update', payload: { paused: 'yes' }, code: 'INVALID_INPUT', message: /paused must be true or false/ },
  { name: 'update zero workers', channel: 'queue:update', payload: { workers: 0 }, code: 'INVALID_INPUT', message: /workers must be at least 1/ },
  { name: 'update huge workers', channel: 'queue:update', payload: { workers: 1e9 }, code: 'INVALID_INPUT', message: /workers must be at most 64/ },
  { name: 'update fractional delay', channel: 'queue:update', payload: { stageDelayMs: 1.5 }, code: 'INVALID_INPUT', message: /whole number/ },
  { name: 'update negative delay', channel: 'queue:update', payload: { stageDelayMs: -1 }, code: 'INVALID_INPUT', message: /must not be negative/ },
  { name: 'update NaN retention', channel: 'queue:update', payload: { retentionDays: Number.NaN }, code: 'INVALID_INPUT', message: /retentionDays/ },
  { name: 'update zero retention', channel: 'queue:update', payload: { retentionDays: 0 }, code: 'INVALID_INPUT', message: /at least 1 \(null keeps entries forever\)/ },
  { name: 'update unknown key', channel: 'queue:update', payload: { batchSize: 5 }, code: 'INVALID_INPUT', message: /unknown field: batchSize/ },
  { name: 'throughput no window', channel: 'stats:throughput', payload: {}, code: 'INVALID_INPUT', message: /window must be one of hour, day/ },
  { name: 'throughput bad window', channel: 'stats:throughput', payload: { window: 'week' }, code: 'INVALID_INPUT', message: /window must be one of hour, day/ },
];

const channelCases: Bad[] = [
  { name: 'unknown channel', channel: 'entries:purge', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel "entries:purge"/ },
  { name: 'empty channel', channel: '', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel ""/ },
  { name: 'very long channel', channel: `entries:${FIVE_MB}`, payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel "entries:x{72}"\./ },
  { name: 'prefixed IPC name', channel: 'entryflow:entries:list', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel "entryflow:entries:list"/ },
  { name: 'channel with different case', channel: 'Entries:List', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel/ },
  { name: 'channel with trailing space', channel: 'entries:list ', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel/ },
  { name: '__proto__ channel', channel: '__proto__', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel "__proto__"/ },
  { name: 'constructor channel', channel: 'constructor', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel "constructor"/ },
  { name: 'toString channel', channel: 'toString', payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel "toString"/ },
  { name: 'numeric channel', channel: 123 as unknown as string, payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel number/ },
  { name: 'null channel', channel: null as unknown as string, payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel object/ },
  { name: 'undefined channel', channel: undefined as unknown as string, payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel undefined/ },
  { name: 'object channel', channel: { toString: () => 'entries:list' } as unknown as string, payload: {}, code: 'UNKNOWN_CHANNEL', message: /Unknown channel object/ },
];

describeEachDriver('bad input is refused with an error envelope, stores nothing, and leaves the core working', (driver) => {
  const groups: [string, Bad[]][] = [
    ['entries:create', createCases],
    ['entries:list', listCases],
    ['entries:get', idCases('entries:get')],
    ['entries:retry', idCases('entries:retry')],
    ['entries:cancel', idCases('entries:cancel')],
    ['entries:delete', idCases('entries:delete')],
    ['entries:bulk', bulkCases],
    ['entries:stats', statsCases],
    ['entries:export', exportCases],
    ['queue:*', queueCases],
    ['unknown channels', channelCases],
  ];

  for (const [group, cases] of groups) {
    it(`${group}: ${cases.length} bad inputs`, async () => {
      const core = await openDriverCore(driver);
      // A row beforehand, so "nothing stored" and "still works" are checked against real data.
      const first = await ok(core.invoke('entries:create', { title: 'already here' }));
      for (const bad of cases) await expectRejected(core, bad);

      // Still works: a valid create succeeds and the earlier row is untouched.
      const after = await ok(core.invoke('entries:create', { title: 'after the bad input' }));
      expect(after.title).toBe('after the bad input');
      const detail = await ok(core.invoke('entries:get', { id: first.id }));
      expect(detail.title).toBe('already here');
      expect(detail.status).toBe('CREATED');
      expect(await total(core)).toBe(2);
      const page = await ok(core.invoke('entries:list', {}));
      expect(page.items.map((e) => e.title)).toEqual(['after the bad input', 'already here']);
    });
  }

  it('covers every channel of the contract', () => {
    const covered = new Set([...createCases, ...listCases, ...idCases('entries:get'), ...idCases('entries:retry'), ...idCases('entries:cancel'), ...idCases('entries:delete'), ...bulkCases, ...statsCases, ...exportCases, ...queueCases].map((c) => c.channel));
    expect([...covered].sort()).toEqual([...CHANNELS].sort());
  });

  it('does not let __proto__ payloads pollute Object.prototype', async () => {
    const core = await openDriverCore(driver);
    const payload = proto('{"title":"ok","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}');
    const res = await core.invoke('entries:create', payload);
    expect(res.ok).toBe(false);
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('answers retry of a non-FAILED entry with CONFLICT naming its status, and changes nothing', async () => {
    const core = await openDriverCore(driver);
    const entry = await ok(core.invoke('entries:create', { title: 'not failed' }));
    await expectRejected(core, { name: 'retry CREATED', channel: 'entries:retry', payload: { id: entry.id }, code: 'CONFLICT', message: /is CREATED; only FAILED or CANCELLED entries can be retried/ });
    const detail = await ok(core.invoke('entries:get', { id: entry.id }));
    expect(detail.status).toBe('CREATED');
    expect(detail.updatedAt).toBe(entry.updatedAt);
    // Only the creation event: a refused retry writes no event.
    expect(detail.events.map((e) => [e.from, e.to])).toEqual([[null, 'CREATED']]);
  });

  it('answers retry of a COMPLETED entry with CONFLICT and of a FAILED one with the retried entry', async () => {
    const core = await openDriverCore(driver, {
      workers: 1,
      maxAttempts: 1,
      pipeline: [
        {
          name: 'fails on demand',
          run: ({ entry }) => (entry.title.startsWith('fail') ? Promise.reject(new Error('boom')) : Promise.resolve()),
        },
      ],
    });
    const done = await ok(core.invoke('entries:create', { title: 'succeeds' }));
    const bad = await ok(core.invoke('entries:create', { title: 'fail please' }));
    const settled = (id: string, status: Entry['status']) =>
      waitFor(async () => {
        const e = await ok(core.invoke('entries:get', { id }));
        return e.status === status && e.lockedBy === null ? e : undefined;
      }, `${id} to be ${status}`);
    await settled(done.id, 'COMPLETED');
    await settled(bad.id, 'FAILED');
    await expectRejected(core, { name: 'retry COMPLETED', channel: 'entries:retry', payload: { id: done.id }, code: 'CONFLICT', message: /is COMPLETED/ });
    const retried = await core.invoke('entries:retry', { id: bad.id });
    expect(retried.ok).toBe(true);
    if (retried.ok) expect(retried.data).toMatchObject({ id: bad.id, status: 'CREATED', progress: 0, error: null });
  });
});

describeEachDriver('valid edge cases are accepted and stored exactly', (driver) => {
  async function roundTrip(core: Core, sent: string, stored: string): Promise<void> {
    const created = await ok(core.invoke('entries:create', { title: sent }));
    expect(created.title).toBe(stored);
    expect((await ok(core.invoke('entries:get', { id: created.id }))).title).toBe(stored);
    const listed = await ok(core.invoke('entries:list', { limit: 200 }));
    expect(listed.items.find((e) => e.id === created.id)?.title).toBe(stored);
  }

  it('a title of exactly 200 characters', async () => {
    const core = await openDriverCore(driver);
    const t = 'b'.repeat(200);
    await roundTrip(core, t, t);
  });

  it('trims padding, including Unicode spaces and edge tabs/newlines, before checking length', async () => {
    const core = await openDriverCore(driver);
    await roundTrip(core, '   padded   ', 'padded');
    await roundTrip(core, `  ${'c'.repeat(200)}  `, 'c'.repeat(200));
    await roundTrip(core, '\u00a0\u3000ideographic\u3000', 'ideographic');
    await roundTrip(core, '\tline\n', 'line');
    // Inner spaces are kept as they are.
    await roundTrip(core, ' a  b ', 'a  b');
  });

  it('unicode, emoji, combining marks, RTL and SQL-looking titles come back byte for byte', async () => {
    const core = await openDriverCore(driver);
    const titles = [
      'Grüße aus Köln',
      '日本語のタイトル',
      '👩‍👩‍👧‍👦 family 🏳️‍🌈',
      'e\u0301 (decomposed é) vs \u00e9',
      'مرحبا بالعالم',
      '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral 𐍈',
      "Robert'); DROP TABLE entries;--",
      'back\\slash and "quotes" and $1 and %_',
      // The limit counts code points, not UTF-16 units: 200 astral emoji are 400 units.
      '😀'.repeat(200),
    ];
    for (const t of titles) await roundTrip(core, t, t);
    expect((await ok(core.invoke('entries:stats', {}))).total).toBe(titles.length);
  });

  it('an emoji title of 201 code points is refused', async () => {
    const core = await openDriverCore(driver);
    await expectRejected(core, { name: '201 emoji', channel: 'entries:create', payload: { title: '😀'.repeat(201) }, code: 'INVALID_INPUT', message: /at most 200/ });
  });

  it('list and stats accept an absent payload and an empty object; list accepts limits 1 and 200', async () => {
    const core = await openDriverCore(driver);
    await ok(core.invoke('entries:create', { title: 'one' }));
    expect((await ok(core.invoke('entries:list', undefined))).items).toHaveLength(1);
    expect((await ok(core.invoke('entries:list', {}))).items).toHaveLength(1);
    expect((await ok(core.invoke('entries:stats', undefined))).total).toBe(1);
    expect((await ok(core.invoke('entries:stats', {}))).total).toBe(1);
    expect((await ok(core.invoke('entries:list', { limit: 1 }))).items).toHaveLength(1);
    expect((await ok(core.invoke('entries:list', { limit: 200 }))).items).toHaveLength(1);
    // A well-formed cursor for an id that does not exist is not an error: it pages from that key.
    expect((await ok(core.invoke('entries:list', { cursor: encodeCursor('0') }))).items).toHaveLength(0);
    // SQL-looking search text is only text.
    expect((await ok(core.invoke('entries:list', { search: "'; DROP TABLE entries; --" }))).items).toHaveLength(0);
    expect((await ok(core.invoke('entries:stats', {}))).total).toBe(1);
  });

  it('every channel name of the contract answers (no channel left unrouted)', async () => {
    const core = await openDriverCore(driver);
    const created = await ok(core.invoke('entries:create', { title: 'routed' }));
    const payloads: Record<Channel, unknown> = {
      'entries:create': { title: 'x' },
      'entries:list': {},
      'entries:get': { id: created.id },
      'entries:retry': { id: created.id },
      'entries:stats': {},
      'entries:cancel': { id: created.id },
      'entries:delete': { id: created.id },
      'entries:bulk': { action: 'retry', ids: [created.id] },
      'entries:export': { format: 'json' },
      'queue:state': {},
      'queue:update': {},
      'stats:throughput': { window: 'hour' },
    };
    for (const channel of CHANNELS) {
      const res = await core.invoke(channel, payloads[channel]);
      if (!res.ok) expect(res.error.code, channel).not.toBe('UNKNOWN_CHANNEL');
    }
  });
});
