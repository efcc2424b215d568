/**
 * The one seam between the store's SQL and the two drivers. The store writes plain parameterised
 * Postgres; this runs it on embedded PGlite or on a node-postgres pool. One copy of the SQL, two drivers.
 */
import { CoreError } from './errors';
export interface SqlClient {
  readonly kind: 'pglite' | 'postgres';
  query<T extends object>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements at once, no parameters (migrations, maintenance). */
  exec(text: string): Promise<void>;
  /**
   * A hot statement, planned once per connection and reused: planning the fused finish-and-claim
   * costs more than running it (ARCHITECTURE.md, "PGlite specifics"). `types` are the Postgres types
   * of $1…$n.
   */
  prepared<T extends object>(name: string, text: string, types: readonly string[], params: readonly unknown[]): Promise<T[]>;
}

/** A Postgres string literal. Callers' text never reaches SQL any other way than through this. */
export function quoteLiteral(s: string): string {
  // Postgres text cannot hold NUL; standard_conforming_strings (checked at open) makes '' the only escape.
  return `'${s.replace(/\0/g, '').replace(/'/g, "''")}'`;
}

function scalarText(v: string | number | boolean | bigint | object): string {
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function arrayElement(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return `"${scalarText(v).replace(/\0/g, '').replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A typed SQL literal for one parameter value. */
export function sqlLiteral(value: unknown, type: string): string {
  if (value === null || value === undefined) return `NULL::${type}`;
  if (Array.isArray(value)) return `${quoteLiteral(`{${value.map(arrayElement).join(',')}}`)}::${type}`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    // Parenthesised: `::` binds tighter than unary minus, so -2147483648::int would overflow.
    return `(${value})::${type}`;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return `${quoteLiteral(scalarText(value))}::${type}`;
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A schema name we are willing to create and put on the search path. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new CoreError('INVALID_INPUT', `schema must be a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters), got ${JSON.stringify(schema)}`);
  }
  return schema;
}
