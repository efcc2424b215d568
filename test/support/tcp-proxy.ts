/**
 * A TCP proxy between a core and the test PostgreSQL server that a test can make misbehave the way
 * real networks do, at a point the test chooses rather than at a moment it races:
 *
 * - `dropNextReply(marker)`: the next client write containing `marker` (a prepared statement's name
 *   is in its Parse and Bind messages) reaches the server; the server's whole reply, through its
 *   ReadyForQuery (so the statement has committed or failed), is swallowed, and both sockets are cut.
 *   What the client sees is a server that restarted mid-statement: the write happened, the answer
 *   never came.
 * - `pause()` / `resume()`: a slow network. Client bytes are held (not lost) until `resume()`, so the
 *   test can let something else happen first.
 * - `blackhole()`: a partition. Every byte in both directions is dropped, on open connections and new
 *   ones, and nothing is closed (a FIN is not passed on either): only the client's own timeouts can
 *   end a call.
 */
import net from 'node:net';

/** Server message types, by their first byte. */
const READY_FOR_QUERY = 0x5a; // 'Z'
const ERROR_RESPONSE = 0x45; // 'E'
const COMMAND_COMPLETE = 0x43; // 'C'

export interface DroppedReply {
  /** The server finished the statement (CommandComplete) before ReadyForQuery. */
  completed: boolean;
  /** The server answered with an error. */
  errored: boolean;
}

export interface TcpProxy {
  readonly port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Resolves once a reply to a write containing `marker` was swallowed and its connection cut. */
  dropNextReply(marker: string): Promise<DroppedReply>;
  pause(): void;
  resume(): void;
  blackhole(): void;
  close(): Promise<void>;
}

interface Pending {
  marker: Buffer;
  resolve: (d: DroppedReply) => void;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let holeOpen = false;
  let pending: Pending | null = null;
  /** While paused: each connection's held client bytes, sent on resume. */
  let held: Map<net.Socket, Buffer[]> | null = null;

  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    accepted++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (holeOpen) return; // accepted, and never answered
    const upstream = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => undefined);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };

    // The connection whose reply is being swallowed: the server's bytes since the marked write.
    let victim: { pending: Pending; buf: Buffer; completed: boolean; errored: boolean } | null = null;

    client.on('data', (chunk: Buffer) => {
      if (holeOpen) return;
      if (pending && victim === null && chunk.includes(pending.marker)) {
        victim = { pending, buf: Buffer.alloc(0), completed: false, errored: false };
        pending = null;
      }
      if (held) held.set(upstream, [...(held.get(upstream) ?? []), chunk]);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holeOpen) return;
      if (victim === null) {
        client.write(chunk);
        return;
      }
      // Walk the server's messages (type byte, int32 length including itself) up to ReadyForQuery.
      victim.buf = Buffer.concat([victim.buf, chunk]);
      let at = 0;
      while (victim.buf.length - at >= 5) {
        const type = victim.buf[at] as number;
        const length = victim.buf.readInt32BE(at + 1);
        if (victim.buf.length - at < 1 + length) break;
        at += 1 + length;
        if (type === COMMAND_COMPLETE) victim.completed = true;
        if (type === ERROR_RESPONSE) victim.errored = true;
        if (type === READY_FOR_QUERY) {
          cut();
          victim.pending.resolve({ completed: victim.completed, errored: victim.errored });
          return;
        }
      }
      victim.buf = victim.buf.subarray(at);
    });
    client.on('end', () => {
      if (!holeOpen) upstream.end();
    });
    upstream.on('end', () => {
      if (!holeOpen) client.end();
    });
    client.on('close', () => {
      if (!holeOpen) upstream.destroy();
    });
    upstream.on('close', () => {
      if (!holeOpen) client.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    get connections() {
      return accepted;
    },
    urlFor(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    dropNextReply(marker) {
      if (pending) throw new Error('a reply drop is already armed');
      return new Promise((resolve) => {
        pending = { marker: Buffer.from(marker), resolve };
      });
    },
    pause() {
      held ??= new Map();
    },
    resume() {
      const queued = held;
      held = null;
      for (const [upstream, chunks] of queued ?? []) for (const c of chunks) if (!upstream.destroyed) upstream.write(c);
    },
    blackhole() {
      holeOpen = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Host and port of a postgres:// URL (the proxy's upstream). */
export function targetOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || '5432') };
}
