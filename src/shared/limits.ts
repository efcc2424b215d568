/**
 * The contract's limits, which the renderer's forms and lists also apply. Free of zod (see
 * statuses.ts); contract.ts builds its schemas from these and re-exports them.
 */

export const TITLE_MAX = 200;
export const LIST_LIMIT_MAX = 200;
export const LIST_LIMIT_DEFAULT = 50;
/** Search text is matched literally; anything longer than a title cannot match one. */
export const SEARCH_MAX = TITLE_MAX;
/** Cursors are opaque to callers; they are short base64url strings. */
export const CURSOR_MAX = 512;
/** Ids one bulk call may name; beyond that, select by filter. */
export const BULK_IDS_MAX = 10_000;
export const WORKERS_MAX = 64;
export const STAGE_DELAY_MAX_MS = 600_000;
export const RETENTION_DAYS_MAX = 36_500;
