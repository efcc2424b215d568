import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Toaster } from 'sonner';
import { ErrorBoundary } from './components/ErrorBoundary';

/** Everything around <App/>: the boundary, the query client and the toaster. Tests reuse it. */
export function Providers({ client, children }: { client: QueryClient; children: ReactNode }) {
  return (
    <ErrorBoundary>
      <QueryClientProvider client={client}>
        {children}
        {/* Bottom left: the entry drawer opens on the right, and a toast there would cover its actions. */}
        <Toaster theme="system" position="bottom-left" richColors closeButton />
      </QueryClientProvider>
    </ErrorBoundary>
  );
}
