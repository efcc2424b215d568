/**
 * entries:list search (issue 13, item 6): it finds an entry by its full id, by the id's tail as the
 * dashboard shows it ("…" and the last 8 characters), by title, and by the text of its error or
 * result; and with a search it says how many entries match, not only how many are on the page.
 */
import { expect, it } from 'vitest';
import type { Entry } from '../../src/shared/contract';
import { describeEachDriver, ok, openDriverCore, waitFor, type DriverCore } from '../support/core';

async function settled(core: DriverCore, id: string): Promise<Entry> {
  return waitFor(async () => {
    const e = await ok(core.invoke('entries:get', { id }));
    return (e.status === 'COMPLETED' || e.status === 'FAILED') && e.lockedBy === null ? e : undefined;
  }, `${id} to finish`);
}

describeEachDriver('entries:list search', (driver) => {
  it('matches id (full or shown tail), title, error and result text, case-insensitively, and counts the matches', async () => {
    const core = await openDriverCore(driver, {
      workers: 1,
      maxAttempts: 1,
      pipeline: [
        {
          name: 'one stage',
          run: ({ entry }) =>
            entry.title.startsWith('flaky')
              ? Promise.reject(new Error('upstream answered 503 Service Unavailable'))
              : Promise.resolve(`exported to ${entry.title.replace(/ /g, '-')}.csv`),
        },
      ],
    });
    const titles = ['Quarterly report', 'flaky upload', 'Invoices March', 'quarterly REPORT draft'];
    const made: Entry[] = [];
    for (const title of titles) made.push(await ok(core.invoke('entries:create', { title })));
    for (const e of made) await settled(core, e.id);
    const [report, flaky, invoices, draft] = made as [Entry, Entry, Entry, Entry];

    const search = async (s: string, status?: Entry['status']) => {
      const page = await ok(core.invoke('entries:list', { search: s, limit: 200, ...(status ? { status } : {}) }));
      return { ids: page.items.map((e) => e.id), matched: page.matched };
    };
    expect(await search(report.id)).toEqual({ ids: [report.id], matched: { count: 1, capped: false } });
    expect((await search(invoices.id.toUpperCase())).ids).toEqual([invoices.id]);
    expect((await search(`…${flaky.id.slice(-8)}`)).ids).toEqual([flaky.id]);
    expect((await search(`...${flaky.id.slice(-8)}`)).ids).toEqual([flaky.id]);
    expect((await search(flaky.id.slice(-8))).ids).toEqual([flaky.id]);
    // Error text, and result text (a completed entry's), newest first.
    expect((await search('503')).ids).toEqual([flaky.id]);
    expect((await search('service unavailable')).ids).toEqual([flaky.id]);
    expect((await search('invoices-march.csv')).ids).toEqual([invoices.id]);
    expect(await search('quarterly report')).toEqual({ ids: [draft.id, report.id], matched: { count: 2, capped: false } });
    expect(await search('REPORT', 'COMPLETED')).toEqual({ ids: [draft.id, report.id], matched: { count: 2, capped: false } });
    // The flaky entry failed: its title has no 'report', its error no 'upload'.
    expect(await search('report', 'FAILED')).toEqual({ ids: [], matched: { count: 0, capped: false } });
    // Without a search the counts tell; no match count is sent.
    expect((await ok(core.invoke('entries:list', {}))).matched).toBeNull();
    expect((await ok(core.invoke('entries:list', { search: '…' }))).matched).toBeNull();
  });

});
