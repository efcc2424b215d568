import { render, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createQueryClient } from '../../src/renderer/src/data/queryClient';
import { Providers } from '../../src/renderer/src/Providers';
import type { FakeBackend } from './fake-bridge';

/** Renders `ui` inside the app's providers (query client, toaster) against a fake bridge. */
export function renderWithBackend(ui: ReactNode, backend: FakeBackend) {
  window.entryflow = backend.bridge;
  const client = createQueryClient();
  const utils = render(<Providers client={client}>{ui}</Providers>);
  return { ...utils, client };
}

/** A data hook inside the same providers; the toaster is rendered too, so toasts can be read. */
export function renderHookWithBackend<T>(hook: () => T, backend: FakeBackend) {
  window.entryflow = backend.bridge;
  const client = createQueryClient();
  const utils = renderHook(hook, { wrapper: ({ children }) => <Providers client={client}>{children}</Providers> });
  return { ...utils, client };
}
