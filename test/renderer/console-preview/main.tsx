/**
 * The console's pieces in the built renderer's styles, wired to the data hooks as in
 * test/renderer/console-harness.tsx, for the Chromium CSP check and screenshots
 * (test/e2e/console-preview.test.ts), against preview-bridge.ts. Not shipped: only the app's index.html is.
 */
import '../../../src/renderer/src/lib/zod-jitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from '../../../src/renderer/src/data/queryClient';
import { Providers } from '../../../src/renderer/src/Providers';
import { BulkHarness, ExportHarness, QueueHarness, ThroughputHarness } from '../console-harness';
import { previewBridge } from './preview-bridge';
import './preview.css';

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
window.entryflow = previewBridge();

createRoot(root).render(
  <StrictMode>
    <Providers client={createQueryClient()}>
      <div className="mx-auto flex max-w-5xl flex-col gap-4 p-6">
        <header className="flex items-center gap-3 rounded-xl border border-zinc-200 bg-white px-4 py-2 dark:border-zinc-800 dark:bg-zinc-900">
          <span className="font-semibold">Entryflow</span>
          <span className="ml-auto" />
          <QueueHarness />
          <ExportHarness filters={{ status: null, search: '' }} />
        </header>
        <BulkHarness filters={{ status: null, search: '' }} />
        <ThroughputHarness />
      </div>
    </Providers>
  </StrictMode>,
);
