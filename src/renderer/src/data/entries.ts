/**
 * Everything the renderer knows about the `entries:*` channels: query keys, query option builders,
 * and the hooks that own their side effects (a mutation invalidates its keys and shows its toast).
 * Components stay presentational: they get values and callbacks from the screen that calls these.
 */
import {
  infiniteQueryOptions,
  keepPreviousData,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { toast } from 'sonner';
import type { Entry, EntryDetail, EntryPage, RetryFrom, StatusCounts } from '../../../shared/contract';
import { emptyCounts, STATUSES } from '../../../shared/statuses';
import { errorMessage } from '../../../shared/error-message';
import { invoke } from './client';
import { NO_FILTERS, listRequest, type EntryFilters } from './list-request';
import { liveQuery, localMutation } from './polling';
import { mergeReads, windowOf, type ListData, type WindowRead } from './window-poll';

export { PAGE_SIZE, type EntryFilters } from './list-request';

export const entryKeys = {
  all: ['entries'] as const,
  lists: () => [...entryKeys.all, 'list'] as const,
  list: (filters: EntryFilters) => [...entryKeys.lists(), filters] as const,
  /** The poll of a list (window-poll.ts): invalidate this, never the list, to refresh what is shown. */
  polls: () => [...entryKeys.all, 'poll'] as const,
  poll: (filters: EntryFilters) => [...entryKeys.polls(), filters] as const,
  details: () => [...entryKeys.all, 'detail'] as const,
  detail: (id: string) => [...entryKeys.details(), id] as const,
};

export const entriesClient = {
  // IPC calls cannot be cancelled, so no AbortSignal: TanStack simply ignores a stale answer.
  list: (filters: EntryFilters, at: { cursor?: string | null; from?: string | null; limit?: number } = {}) =>
    invoke('entries:list', listRequest(filters, at)),
  get: (id: string) => invoke('entries:get', { id }),
  create: (title: string) => invoke('entries:create', { title }),
  retry: (id: string, from: RetryFrom = 'failed-stage') => invoke('entries:retry', { id, from }),
};

export function entriesListOptions(filters: EntryFilters) {
  return infiniteQueryOptions({
    queryKey: entryKeys.list(filters),
    queryFn: ({ pageParam }) => entriesClient.list(filters, { cursor: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: EntryPage) => last.nextCursor,
    // Keep showing the previous filter's rows while the new filter loads, instead of a blank table.
    placeholderData: keepPreviousData,
    networkMode: 'always',
    // Never refetched as a whole (that is one call per loaded page): useEntriesPoll keeps it fresh.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  });
}

/**
 * Puts a first page already asked for (first-page.ts) into the opening list's query, which the list
 * then shares instead of asking again. A failed ask leaves the query failed, and the list's mount
 * asks again. Settles once the page is in or `waitMs` has passed, whichever is first: main.tsx holds
 * the first render that long so that it shows rows or the empty state rather than a skeleton,
 * and no longer, so a core that is still opening shows the skeleton at once.
 */
export async function seedFirstPage(client: QueryClient, page: Promise<EntryPage>, waitMs: number): Promise<void> {
  const seeded = client.infiniteQuery({ ...entriesListOptions(NO_FILTERS), queryFn: () => page }).then(
    () => undefined,
    () => undefined,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([seeded, new Promise<void>((ok) => (timer = setTimeout(ok, waitMs)))]);
  clearTimeout(timer);
}

/**
 * Keeps the loaded list of `filters` fresh at a bounded cost per poll (window-poll.ts): the newest
 * page, plus the rows on screen (`shownIds`, read at each poll). Its error is the list's liveness:
 * the poll is what talks to the core once the first page is in.
 */
export function useEntriesPoll(filters: EntryFilters, shownIds: () => string[], enabled: boolean) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: entryKeys.poll(filters),
    queryFn: async () => {
      const head = await entriesClient.list(filters);
      const reads: WindowRead[] = [{ from: null, page: head }];
      const win = windowOf(shownIds());
      const headLast = head.items.at(-1)?.id;
      const headCovers = (id: string) => head.nextCursor === null || (headLast !== undefined && id >= headLast);
      if (win && !headCovers(win.from)) reads.push({ from: win.from, page: await entriesClient.list(filters, win) });
      queryClient.setQueryData<ListData>(entryKeys.list(filters), (data) => (data ? mergeReads(data, reads) : data));
      return Date.now();
    },
    enabled,
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

export const EMPTY_COUNTS: StatusCounts = emptyCounts();

export function totalOf(counts: StatusCounts): number {
  return STATUSES.reduce((sum, s) => sum + counts[s], 0);
}

/**
 * Creates an entry and says so in a toast. A refusal is not toasted: the dialog shows it once, next
 * to the field it is about (`createErrorText`).
 */
export function useCreateEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (title: string) => entriesClient.create(title),
    ...localMutation,
    onSuccess: (entry) => {
      toast.success('Entry created', { description: entry.title });
      return queryClient.invalidateQueries({ queryKey: entryKeys.polls() });
    },
  });
}

export function createErrorText(error: unknown): string {
  return `The entry was not created: ${errorMessage(error)}`;
}

export interface RetryRequest {
  id: string;
  from?: RetryFrom;
  /** The stage the retry resumes at (failedStageOf), for the toast; null when it cannot tell. */
  resumesAt?: number | null;
}

/** What a retry's toast says: where the entry starts again. */
export function retryScheduledText({ from, resumesAt }: Pick<RetryRequest, 'from' | 'resumesAt'>): string {
  return from === 'start' || resumesAt === null || resumesAt === undefined ? 'Retry scheduled' : `Retry from stage ${resumesAt} scheduled`;
}

/**
 * Retries an entry (FAILED or CANCELLED) and toasts that it is scheduled. A refusal is not toasted:
 * the drawer that asked shows it once, beside the button (`error`).
 */
export function useRetryEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, from }: RetryRequest) => entriesClient.retry(id, from),
    ...localMutation,
    onSuccess: (entry, request) => {
      toast.success(retryScheduledText(request), { description: entry.title });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: entryKeys.polls() }),
        queryClient.invalidateQueries({ queryKey: entryKeys.detail(entry.id) }),
      ]);
    },
  });
}

/**
 * The stage a retry would run first (numbered from 1): the one the entry failed in, read from its
 * FAILED event (the status it failed in had finished that many stages). null when it cannot tell.
 */
export function failedStageOf(detail: Pick<EntryDetail, 'status' | 'events'>): number | null {
  if (detail.status !== 'FAILED') return null;
  const failed = detail.events.findLast((e) => e.to === 'FAILED');
  const done = failed?.from === 'CREATED' ? 0 : failed?.from === 'STAGE_1' ? 1 : failed?.from === 'STAGE_2' ? 2 : null;
  return done === null ? null : done + 1;
}

/** An entry as the loaded lists hold it (no history), for showing something before its detail answers. */
function fromLists(queryClient: QueryClient, id: string): EntryDetail | undefined {
  for (const [, data] of queryClient.getQueriesData<ListData>({ queryKey: entryKeys.lists() })) {
    for (const page of data?.pages ?? []) {
      const entry = page.items.find((e) => e.id === id);
      if (entry) return { ...entry, events: [] };
    }
  }
  return undefined;
}

/**
 * An entry's detail, starting from the row the list already has: a drawer opened while the core
 * does not answer still shows the title, status and progress. Marked stale, so it is fetched at once.
 */
export function useEntryDetail(id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    ...entryDetailOptions(id ?? ''),
    enabled: id !== null,
    initialData: () => (id === null ? undefined : fromLists(queryClient, id)),
    initialDataUpdatedAt: 0,
  });
}
