// First: asks the core for the list's first page while the rest of the page is evaluated.
import { firstPage } from './data/first-page';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { seedFirstPage } from './data/entries';
import { createQueryClient } from './data/queryClient';
import { Providers } from './Providers';
import './styles.css';

/** How long the first render may wait for the first page (usually in hand already: see first-page.ts). */
const FIRST_PAGE_WAIT_MS = 100;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const client = createQueryClient();
await seedFirstPage(client, firstPage, FIRST_PAGE_WAIT_MS);

createRoot(root).render(
  <StrictMode>
    <Providers client={client}>
      <App />
    </Providers>
  </StrictMode>,
);
