/**
 * Keyset cursors for the newest-first list. Opaque to callers (base64url of a small JSON), so the
 * key can change without breaking the contract; anything that does not decode is INVALID_INPUT.
 */
import { CoreError } from './errors';

const ID = /^[0-9a-zA-Z_-]{1,64}$/;

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, id: lastId }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const bad = () => new CoreError('INVALID_INPUT', 'cursor is malformed: pass back the nextCursor of a previous page');
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (typeof parsed !== 'object' || parsed === null || !('v' in parsed) || parsed.v !== 1 || !('id' in parsed)) throw bad();
  const { id } = parsed;
  if (typeof id !== 'string' || !ID.test(id)) throw bad();
  return id;
}
