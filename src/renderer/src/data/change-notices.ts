/**
 * Instant refresh: main's change notices (window.entryflow.onChange, at most ~10 per second) make
 * the live queries refetch now instead of at their next poll. The 2 s poll stays the floor: a notice
 * is a hint, and a lost one costs at most one poll interval.
 *
 * What a notice refreshes: the list's poll (never the list itself: window-poll.ts keeps a refetch to
 * at most two bounded reads), the stats, and an open entry's detail; with `queue`, the queue's
 * state too. While the window is hidden the polls pause, and so do notices: showing it refetches.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useEffectEvent } from 'react';
import type { ChangeNotice } from '../../../shared/contract';
import { entryKeys } from './entries';
import { statsKeys } from './stats';

/** The queue state's key prefix (queue:state), refreshed on a notice with `queue` set. */
const QUEUE_KEY = ['queue'] as const;

/**
 * Subscribes once, for the component's lifetime; call it from one component near the root.
 * `onOpen` gets the entry a notice asks to show (the person clicked its OS notification).
 */
export function useChangeNotices(onOpen?: (entryId: string) => void): void {
  const queryClient = useQueryClient();
  const open = useEffectEvent((entryId: string) => onOpen?.(entryId));
  useEffect(() => {
    // Typed as possibly absent: a page opened outside Electron (or an older preload) has no onChange.
    const bridge = (window as Partial<Pick<Window, 'entryflow'>>).entryflow;
    if (typeof bridge?.onChange !== 'function') return undefined;
    return bridge.onChange((notice: ChangeNotice) => {
      // Main focuses the window before it asks, so a hidden page is not a reason to ignore this.
      if (notice.open !== undefined) open(notice.open);
      if (document.visibilityState === 'hidden') return;
      if (notice.entries) {
        void queryClient.invalidateQueries({ queryKey: entryKeys.polls() });
        void queryClient.invalidateQueries({ queryKey: entryKeys.details() });
      }
      void queryClient.invalidateQueries({ queryKey: statsKeys.all });
      if (notice.queue) void queryClient.invalidateQueries({ queryKey: QUEUE_KEY });
    });
  }, [queryClient]);
}
