import { QueryClient } from '@tanstack/react-query';

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The poll is the retry: a failed call shows its error at once and the next poll recovers.
        retry: false,
        networkMode: 'always',
        refetchIntervalInBackground: false,
        // Errors are shown in place (banner, empty states); the boundary is for render bugs.
        throwOnError: false,
      },
      mutations: { networkMode: 'always', retry: false },
    },
  });
}
