/** The `entries:stats` channel: pipeline-wide numbers for the header. */
import { queryOptions } from '@tanstack/react-query';
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
