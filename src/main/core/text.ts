/**
 * Text a stage hands us (its result, its error) made safe for both drivers. Postgres text cannot
 * hold NUL (PGlite drops it, a server refuses the statement: 22021), and a lone UTF-16 surrogate is
 * not valid UTF-8. Both become U+FFFD, the same on every driver; and a handler throwing megabytes
 * must not bloat the row, so text is cut at a code-point boundary with an ellipsis.
 */

/** Longest stored error text, in UTF-16 units (documented in README, "Stages"). */
export const ERROR_TEXT_MAX = 2000;
/** Longest stored result text. */
export const RESULT_TEXT_MAX = 10_000;

export function storableText(text: string, max: number): string {
  let s = text.toWellFormed().replace(/\0/g, '\uFFFD');
  if (s.length > max) {
    let cut = max - 1;
    // Never split a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(s.charAt(cut - 1))) cut--;
    s = `${s.slice(0, cut)}…`;
  }
  return s;
}
