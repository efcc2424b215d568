/**
 * What `entries:list` is asked for a view of the list. Apart from data/entries.ts, and free of
 * zod, React and TanStack, because first-page.ts asks for the first page before those are evaluated.
 */
import type { RequestOf, Status } from '../../../shared/contract';

/** Small pages keep every poll cheap even with tens of thousands of entries. */
export const PAGE_SIZE = 100;

export interface EntryFilters {
  status: Status | null;
  /** Already trimmed and debounced; '' means no search. */
  search: string;
}

/** The dashboard as it opens: every status, no search. */
export const NO_FILTERS: EntryFilters = { status: null, search: '' };

export function listRequest(filters: EntryFilters, at: { cursor?: string | null; from?: string | null; limit?: number } = {}): RequestOf<'entries:list'> {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.search ? { search: filters.search } : {}),
    ...(at.cursor ? { cursor: at.cursor } : {}),
    ...(at.from ? { from: at.from } : {}),
    limit: at.limit ?? PAGE_SIZE,
  };
}
