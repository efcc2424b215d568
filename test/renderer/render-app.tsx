import { render } from '@testing-library/react';
import { App } from '../../src/renderer/src/App';
import { createQueryClient } from '../../src/renderer/src/data/queryClient';
import { Providers } from '../../src/renderer/src/Providers';
import type { FakeBackend } from './fake-bridge';

/** Renders the whole dashboard against a fake bridge, with a fresh query cache. */
export function renderApp(backend: FakeBackend) {
  window.entryflow = backend.bridge;
  const client = createQueryClient();
  const utils = render(
    <Providers client={client}>
      <App />
    </Providers>,
  );
  return { ...utils, client };
}
