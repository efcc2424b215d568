/**
 * Everything the renderer knows about the `entries:*` channels: query keys, query option builders
 * and the mutations. Components stay presentational and import only from here.
 */
import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useMutation,
  useQueryClient,
  type InfiniteData,
} from '@tanstack/react-query';
import type { Entry, EntryPage, Status, StatusCounts } from '../../../shared/contract';
import { STATUSES } from '../../../shared/contract';
import { invoke } from './client';
import { liveQuery, localMutation } from './polling';

/** Small pages keep every poll cheap even with tens of thousands of entries. */
export const PAGE_SIZE = 100;

export interface EntryFilters {
  status: Status | null;
  /** Already trimmed and debounced; '' means no search. */
  search: string;
}

export const entryKeys = {
  all: ['entries'] as const,
  lists: () => [...entryKeys.all, 'list'] as const,
  list: (filters: EntryFilters) => [...entryKeys.lists(), filters] as const,
  details: () => [...entryKeys.all, 'detail'] as const,
  detail: (id: string) => [...entryKeys.details(), id] as const,
};

export const entriesClient = {
  // IPC calls cannot be cancelled, so no AbortSignal: TanStack simply ignores a stale answer.
  list: (filters: EntryFilters, cursor: string | null) =>
    invoke('entries:list', {
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.search ? { search: filters.search } : {}),
      ...(cursor ? { cursor } : {}),
      limit: PAGE_SIZE,
    }),
  get: (id: string) => invoke('entries:get', { id }),
  create: (title: string) => invoke('entries:create', { title }),
  retry: (id: string) => invoke('entries:retry', { id }),
};

export function entriesListOptions(filters: EntryFilters) {
  return infiniteQueryOptions({
    queryKey: entryKeys.list(filters),
    queryFn: ({ pageParam }) => entriesClient.list(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last: EntryPage) => last.nextCursor,
    // Keep showing the previous filter's rows while the new filter loads, instead of a blank table.
    placeholderData: keepPreviousData,
    ...liveQuery,
  });
}

export function entryDetailOptions(id: string) {
  return queryOptions({
    queryKey: entryKeys.detail(id),
    queryFn: () => entriesClient.get(id),
    ...liveQuery,
  });
}

/** Rows of every loaded page, in order, without duplicates (pages are re-fetched one by one). */
export function flattenPages(data: InfiniteData<EntryPage> | undefined): Entry[] {
  if (!data) return [];
  const seen = new Set<string>();
  const rows: Entry[] = [];
  for (const page of data.pages) {
    for (const entry of page.items) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      rows.push(entry);
    }
  }
  return rows;
}

export const EMPTY_COUNTS: StatusCounts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;

export function totalOf(counts: StatusCounts): number {
  return STATUSES.reduce((sum, s) => sum + counts[s], 0);
}

export function useCreateEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (title: string) => entriesClient.create(title),
    ...localMutation,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: entryKeys.lists() }),
  });
}

export function useRetryEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => entriesClient.retry(id),
    ...localMutation,
    onSuccess: (entry) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: entryKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: entryKeys.detail(entry.id) }),
      ]),
  });
}
