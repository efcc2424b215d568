/** The `entries:stats` channel: pipeline-wide numbers for the header. */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { invoke } from './client';
import { liveQuery } from './polling';

export const statsKeys = {
  all: ['stats'] as const,
};

export function statsOptions() {
  return queryOptions({
    queryKey: statsKeys.all,
    queryFn: () => invoke('entries:stats', {}),
    ...liveQuery,
  });
}

/** The pipeline-wide numbers, polled; `maxAttempts` is the core's limit for "attempt 2 of 3". */
export function useStats() {
  return useQuery(statsOptions());
}
