/**
 * The list's first page asked for before React renders (data/first-page.ts) and put into the list's
 * query (seedFirstPage): the first render shows it, the list does not ask again, and a failed early
 * ask is asked again by the list itself.
 */
import { render, screen } from '@testing-library/react';
import type { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { EntryPage } from '../../src/shared/contract';
import { App } from '../../src/renderer/src/App';
import { invoke } from '../../src/renderer/src/data/client';
import { seedFirstPage } from '../../src/renderer/src/data/entries';
import { NO_FILTERS, PAGE_SIZE, listRequest } from '../../src/renderer/src/data/list-request';
import { createQueryClient } from '../../src/renderer/src/data/queryClient';
import { Providers } from '../../src/renderer/src/Providers';
import { FakeBackend, makeEntry } from './fake-bridge';

function renderWith(client: QueryClient) {
  return render(
    <Providers client={client}>
      <App />
    </Providers>,
  );
}

/** What data/first-page.ts does as it is evaluated, over the bridge the test installed. */
const askEarly = (): Promise<EntryPage> => invoke('entries:list', listRequest(NO_FILTERS));

describe('the first page, asked for before the first render', () => {
  it('is what the first render shows, and the list does not ask for it again', async () => {
    const backend = new FakeBackend([makeEntry({ title: 'Asked for early' })]);
    window.entryflow = backend.bridge;
    const client = createQueryClient();
    await seedFirstPage(client, askEarly(), 5_000);
    expect(backend.callsTo('entries:list')).toEqual([{ limit: PAGE_SIZE }]);

    renderWith(client);
    // Synchronously, in the first render: no skeleton, the row itself.
    expect(screen.getByText('Asked for early')).toBeInTheDocument();
    expect(screen.queryByRole('status', { name: 'Loading entries' })).toBeNull();
  });

  it('a failed early ask leaves the list to ask again when it mounts', async () => {
    const backend = new FakeBackend([makeEntry({ title: 'Asked for by the list' })]);
    window.entryflow = backend.bridge;
    backend.failure = { code: 'UNAVAILABLE', message: 'The core is not answering yet.' };
    const client = createQueryClient();
    await seedFirstPage(client, askEarly(), 5_000);
    backend.failure = null;

    renderWith(client);
    expect(await screen.findByText('Asked for by the list')).toBeInTheDocument();
  });

  it('does not hold the first render longer than its wait for a page that has not come', async () => {
    const backend = new FakeBackend([makeEntry({ title: 'Came late' })]);
    window.entryflow = backend.bridge;
    const page = await askEarly();
    // From here the list's own asks fail: what shows can only be the early page.
    backend.refusals.set('entries:list', { code: 'UNAVAILABLE', message: 'The core is still opening.' });
    const client = createQueryClient();
    let answer: (page: EntryPage) => void = () => undefined;
    const late = new Promise<EntryPage>((ok) => (answer = ok));
    // Settles on its own wait (20 ms) with the page still out: the render goes ahead with a skeleton.
    await seedFirstPage(client, late, 20);
    renderWith(client);
    expect(screen.getByRole('status', { name: 'Loading entries' })).toBeInTheDocument();
    // The page, when it comes, is the list's, without an ask of its own.
    answer(page);
    expect(await screen.findByText('Came late')).toBeInTheDocument();
  });
});
