/** The `stats:throughput` channel: completions and failures over time, and per-stage timings. */
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ThroughputWindow } from '../../../shared/contract';
import { invoke } from './client';

/** A chart of minutes or hours: a fresh bucket every 10 s is plenty, and the query costs the core more than a list. */
export const THROUGHPUT_POLL_MS = 10_000;

export const throughputKeys = {
  all: ['throughput'] as const,
  window: (window: ThroughputWindow) => [...throughputKeys.all, window] as const,
};

export function throughputOptions(window: ThroughputWindow) {
  return queryOptions({
    queryKey: throughputKeys.window(window),
    queryFn: () => invoke('stats:throughput', { window }),
    refetchInterval: THROUGHPUT_POLL_MS,
    refetchIntervalInBackground: false,
    networkMode: 'always',
  });
}

export function useThroughput(window: ThroughputWindow, enabled = true) {
  return useQuery({ ...throughputOptions(window), enabled });
}
