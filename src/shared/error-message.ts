/**
 * The one way every process turns something thrown into words: the core for logs, stored stage
 * errors and startup messages, the CLI for stderr, the renderer for banners and toasts. No
 * dependencies, so the renderer can import it.
 */

/** Said when a thrown value carries no words at all; a person still sees a sentence, not a blank. */
export const NO_ERROR_MESSAGE = 'Something went wrong.';

/**
 * An Error's message, a thrown string as is, anything else as JSON (a thrown object's fields are the
 * only clue there is). `fallback` when that leaves nothing: an Error without a message, an empty
 * string, null or undefined.
 */
export function errorMessage(err: unknown, fallback = NO_ERROR_MESSAGE): string {
  let text: string;
  if (err instanceof Error) text = err.message;
  else if (typeof err === 'string') text = err;
  else if (err === null || err === undefined) text = '';
  else text = describe(err);
  return text.trim() === '' ? fallback : text;
}

function describe(value: unknown): string {
  try {
    // undefined for functions and symbols; a throw for cycles and BigInts.
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) return json;
  } catch {
    /* described below */
  }
  try {
    return String(value);
  } catch {
    // An object without a prototype has no toString.
    return '';
  }
}
