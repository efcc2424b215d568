/**
 * Polling is one named setting. Every live query refreshes at this interval; while the window is
 * hidden polling pauses (`refetchIntervalInBackground: false`), and focus brings a fresh fetch.
 */
export const POLL_MS = 2000;

/**
 * Shared by every polled query. `networkMode: 'always'` because the "network" is local IPC: the
 * browser's online/offline flag says nothing about whether the core answers.
 */
export const liveQuery = {
  refetchInterval: POLL_MS,
  refetchIntervalInBackground: false,
  networkMode: 'always',
} as const;

/** Mutations go over the same local IPC, so they must not wait for `navigator.onLine` either. */
export const localMutation = { networkMode: 'always' } as const;
