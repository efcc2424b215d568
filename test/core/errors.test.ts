/**
 * How a failed database call is judged: by SQLSTATE, never by the words of its message (a search
 * for `100%` once came back UNAVAILABLE because a syntax error's message said "unterminated", and
 * old code matched /terminat/). Only node-postgres's own errors, which carry no SQLSTATE, are judged
 * by their exact texts. And the connection settings a server URL turns into.
 */
import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDbError } from '../../src/main/core/api';
import { connectionConfig } from '../../src/main/core/drivers/server';
import { CoreError, classifyDbError, type DbFailure } from '../../src/main/core/errors';
import { DATABASE_URL, describeShared } from '../support/shared-pg';

/** An error shaped like node-postgres's DatabaseError: a message and a SQLSTATE in `code`. */
function dbError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR' });
}

describe('classifyDbError', () => {
  const cases: [string, Error, DbFailure, 'UNAVAILABLE' | 'INTERNAL'][] = [
    // The search bug: a syntax error is ours to fix, whatever its message says.
    ['42601 "unterminated quoted string"', dbError('42601', 'unterminated quoted string at or near "\'\\\' "'), 'other', 'INTERNAL'],
    ['42601 "syntax error at or near"', dbError('42601', 'syntax error at or near "ESCAPE"'), 'other', 'INTERNAL'],
    ['08006 connection failure', dbError('08006', 'connection failure'), 'unreachable', 'UNAVAILABLE'],
    ['08P01 protocol violation', dbError('08P01', 'protocol violation'), 'unreachable', 'UNAVAILABLE'],
    ['57P01 admin shutdown', dbError('57P01', 'terminating connection due to administrator command'), 'unreachable', 'UNAVAILABLE'],
    ['57P03 cannot connect now', dbError('57P03', 'the database system is starting up'), 'unreachable', 'UNAVAILABLE'],
    ['57014 statement timeout', dbError('57014', 'canceling statement due to statement timeout'), 'unreachable', 'UNAVAILABLE'],
    ['53300 too many connections', dbError('53300', 'sorry, too many clients already'), 'unreachable', 'UNAVAILABLE'],
    ['53100 disk full', dbError('53100', 'could not extend file: No space left on device'), 'disk-full', 'UNAVAILABLE'],
    ['58030 with "No space left"', dbError('58030', 'could not write to file "base/5/16384": No space left on device'), 'disk-full', 'UNAVAILABLE'],
    ['58030 other I/O error', dbError('58030', 'could not read block 0 in file "base/5/16384": read only 0 of 8192 bytes'), 'other', 'INTERNAL'],
    ['40001 serialization failure', dbError('40001', 'could not serialize access due to concurrent update'), 'transient', 'UNAVAILABLE'],
    ['40P01 deadlock', dbError('40P01', 'deadlock detected'), 'transient', 'UNAVAILABLE'],
    ['22021 NUL in text', dbError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), 'content', 'INTERNAL'],
    ['22023 invalid parameter value', dbError('22023', 'poisoned'), 'content', 'INTERNAL'],
    ['22001 string too long', dbError('22001', 'value too long for type character varying(10)'), 'content', 'INTERNAL'],
    ['54000 program limit', dbError('54000', 'index row size 9000 exceeds btree version 4 maximum 2704'), 'content', 'INTERNAL'],
    // A constraint refuses the row as written: sending it again can never succeed either.
    ['23514 check violation (refused for its content: never retried as is)', dbError('23514', 'new row for relation "entries" violates check constraint'), 'content', 'INTERNAL'],
    ['42P01 "terminated" in the words', dbError('42P01', 'relation "terminated" does not exist'), 'other', 'INTERNAL'],
    // node-postgres's own errors: no SQLSTATE, exact texts.
    ['pg: Connection terminated unexpectedly', new Error('Connection terminated unexpectedly'), 'unreachable', 'UNAVAILABLE'],
    ['pg: Connection terminated due to connection timeout', new Error('Connection terminated due to connection timeout'), 'unreachable', 'UNAVAILABLE'],
    ['pg: Query read timeout', new Error('Query read timeout'), 'unreachable', 'UNAVAILABLE'],
    ['pg-pool: timeout exceeded when trying to connect', new Error('timeout exceeded when trying to connect'), 'unreachable', 'UNAVAILABLE'],
    ['errno ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), 'unreachable', 'UNAVAILABLE'],
    ['errno ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'unreachable', 'UNAVAILABLE'],
    ['errno ENOSPC', Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 'disk-full', 'UNAVAILABLE'],
    // Without a code, words that merely look alike are nothing special.
    ['no code, "unterminated" in the words', new Error('unterminated quoted string'), 'other', 'INTERNAL'],
    ['no code, "the stage was terminated"', new Error('the stage was terminated by its owner'), 'other', 'INTERNAL'],
  ];

  it.each(cases)('%s', (_name, err, failure, code) => {
    expect(classifyDbError(err)).toBe(failure);
    expect(describeDbError(err).code).toBe(code);
  });

  it('reads anything thrown, not only Errors', () => {
    expect(classifyDbError('Connection terminated unexpectedly')).toBe('unreachable');
    expect(classifyDbError({ code: '22021', message: 'x' })).toBe('content');
    expect(classifyDbError(undefined)).toBe('other');
    expect(classifyDbError(null)).toBe('other');
    // A code that is not a SQLSTATE (five characters of digits and capitals) is not read as one.
    expect(classifyDbError(Object.assign(new Error('x'), { code: 22021 }))).toBe('other');
  });

  it('the message given to a person keeps the cause', () => {
    expect(describeDbError(dbError('42601', 'unterminated quoted string')).message).toContain('unterminated quoted string');
    expect(describeDbError(new Error('Query read timeout')).message).toMatch(/unreachable.*Query read timeout/);
  });
});

describe('connectionConfig', () => {
  const base = 'postgres://postgres@127.0.0.1:5432/test';

  it("keeps the URL's own options and adds the schema's search_path and the timeouts", () => {
    const c = connectionConfig(`${base}?options=-c%20standard_conforming_strings%3Doff&application_name=x`, 'mine');
    expect(c.options).toContain('-c standard_conforming_strings=off');
    expect(c.options).toContain('-c search_path=mine');
    expect(c.options).toMatch(/-c idle_in_transaction_session_timeout=\d+/);
    // Moved into `options`, not left in the URL too (pg would take the URL's over ours).
    expect(new URL(c.connectionString ?? '').searchParams.get('options')).toBeNull();
    expect(new URL(c.connectionString ?? '').searchParams.get('application_name')).toBe('x');
    expect(c.connectionTimeoutMillis).toBeGreaterThan(0);
    expect(c.keepAlive).toBe(true);
  });

  it('refuses a URL search_path that disagrees with the schema option, naming both', () => {
    for (const opt of ['-c search_path=other', '-csearch_path=other', '--search_path=other', '-c statement_timeout=5 -c search_path=other']) {
      const url = `${base}?options=${encodeURIComponent(opt)}`;
      let thrown: unknown;
      try {
        connectionConfig(url, 'mine');
      } catch (err) {
        thrown = err;
      }
      expect(thrown, opt).toBeInstanceOf(CoreError);
      expect((thrown as CoreError).code).toBe('INVALID_INPUT');
      expect((thrown as CoreError).message).toContain('other');
      expect((thrown as CoreError).message).toContain('mine');
    }
  });

  it('accepts the same schema given both ways, and the URL alone', () => {
    const both = connectionConfig(`${base}?options=${encodeURIComponent('-c search_path=mine')}`, 'mine');
    expect(both.options?.match(/search_path/g)).toHaveLength(1);
    const urlOnly = connectionConfig(`${base}?options=${encodeURIComponent('-c search_path=theirs')}`, undefined);
    expect(urlOnly.options).toContain('-c search_path=theirs');
  });

  it('refuses what is not a URL with INVALID_INPUT', () => {
    expect(() => connectionConfig('host=127.0.0.1 dbname=test', undefined)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

const describeServer = describeShared('errors.test.ts');

describeServer('real errors from node-postgres and the server', () => {
  const clients: pg.Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
  });

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: DATABASE_URL });
    clients.push(c);
    // A terminated session also emits its FATAL as an 'error' event; the failed query reports it.
    c.on('error', () => undefined);
    await c.connect();
    return c;
  }

  async function failure(p: Promise<unknown>): Promise<unknown> {
    try {
      await p;
    } catch (err) {
      return err;
    }
    throw new Error('expected the call to fail');
  }

  it('a NUL in a parameter is content (22021); a syntax error is other; a killed session is unreachable', async () => {
    const c = await connect();
    const nul = await failure(c.query('SELECT $1::text', ['a\u0000b']));
    expect((nul as { code?: string }).code).toBe('22021');
    expect(classifyDbError(nul)).toBe('content');

    // The statement the search bug came from, as a server with standard_conforming_strings = off reads it.
    await c.query('SET standard_conforming_strings = off');
    const unterminated = await failure(c.query(`SELECT 'x' LIKE $1 ESCAPE '\\'`, ['%']));
    expect((unterminated as Error).message).toMatch(/unterminated/);
    expect(classifyDbError(unterminated)).toBe('other');
    expect(describeDbError(unterminated).code).toBe('INTERNAL');

    const victim = await connect();
    const pid = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
    await c.query('SELECT pg_terminate_backend($1)', [pid]);
    const gone = await failure(victim.query('SELECT 1'));
    expect(classifyDbError(gone)).toBe('unreachable');
  });

  it('a refused connection is unreachable', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/test` });
    const err = await failure(c.connect());
    expect(classifyDbError(err)).toBe('unreachable');
    expect(describeDbError(err).code).toBe('UNAVAILABLE');
  });
});
