/**
 * Cross-process wake-up on a shared server: one dedicated connection LISTENs on the wake-up channel
 * and wakes this process's idle loops when another process (or this one) made entries claimable.
 * The same channel carries cancels (`cancel:id,id,…`, store.ts): the loops of this process that run
 * one of those entries abort its stage. A process from before cancels existed reads such a payload
 * as a plain wake-up, which is harmless.
 *
 * The idle timer stays the backstop: a notification lost while the connection was down costs at
 * most one idle poll, and after every reconnect all loops are woken once to look for what was missed.
 */
import pg from 'pg';
import { errorMessage } from './errors';
import type { Logger } from './logger';
import { quoteIdent } from './sql-client';
import { CANCEL_PREFIX } from './store';
import type { Waker } from './waker';

/** First pause before reconnecting; doubles per failure up to RECONNECT_MAX_MS. */
export const RECONNECT_MIN_MS = 250;
export const RECONNECT_MAX_MS = 10_000;
/** A payload is a count of claimable entries; never wake more loops than this for one. */
const WAKE_MAX = 64;
/** close() waits this long for the server to see the goodbye; in a partition it never does. */
const CLOSE_TIMEOUT_MS = 5_000;

export class WakeupListener {
  private client: pg.Client | null = null;
  private closed = false;

  /** A method, not the field: `close()` may flip it during any await, which narrowing cannot see. */
  private isClosed(): boolean {
    return this.closed;
  }
  private retryMs = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | null = null;
  private connecting: Promise<void> | null = null;
  /** Connections made so far (tests watch a reconnect through it). */
  connections = 0;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly channel: string,
    private readonly waker: Waker,
    private readonly logger: Logger,
    /** Entries another process (or this one) cancelled. */
    private readonly onCancel: (ids: string[]) => void = () => undefined,
    /** Any notice: entries changed somewhere on the queue (the window refreshes at once, not at its next poll). */
    private readonly onNotice: () => void = () => undefined,
  ) {}

  /** Resolves once the first LISTEN is in place (or the first attempt failed and a retry is scheduled). */
  start(): Promise<void> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(this.config);
    const lost = (err?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      client.removeAllListeners('notification');
      client.end().catch(() => undefined);
      if (!this.closed) {
        this.logger.warn('listener: wake-up connection lost; reconnecting', { error: err ? errorMessage(err) : 'connection ended' });
        this.schedule();
      }
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel) return;
      this.onNotice();
      if (msg.payload?.startsWith(CANCEL_PREFIX)) {
        this.onCancel(msg.payload.slice(CANCEL_PREFIX.length).split(',').filter((id) => id !== ''));
        return;
      }
      const n = Number(msg.payload);
      this.waker.wake(Number.isInteger(n) && n > 0 ? Math.min(n, WAKE_MAX) : 1);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (err) {
      client.removeAllListeners();
      client.on('error', () => undefined);
      await client.end().catch(() => undefined);
      if (!this.isClosed()) {
        this.logger.warn('listener: cannot LISTEN for wake-ups; retrying', { error: errorMessage(err), inMs: this.retryMs });
        this.schedule();
      }
      return;
    }
    if (this.isClosed()) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.connections++;
    this.retryMs = RECONNECT_MIN_MS;
    // Anything made claimable while we were not listening: let every idle loop look once.
    if (this.connections > 1) this.waker.wakeAll();
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RECONNECT_MAX_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
    this.timer.unref();
  }

  /** The backend pid of the LISTEN connection (tests terminate it to exercise the reconnect). */
  async backendPid(): Promise<number | null> {
    const c = this.client;
    if (!c) return null;
    const r = await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return r.rows[0]?.pid ?? null;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.connecting;
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners('notification');
      await endWithin(c, CLOSE_TIMEOUT_MS);
    }
  }
}

/**
 * Ends a client politely, or cuts its socket once the server has not answered within `ms`: pg's
 * end() waits for the server to close its side, which a partitioned server never does.
 */
async function endWithin(client: pg.Client, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const ended = client.end().then(
    () => 'ended' as const,
    () => 'ended' as const,
  );
  const how = await Promise.race([ended, late]);
  clearTimeout(timer);
  if (how === 'late') client.connection.stream.destroy();
}
