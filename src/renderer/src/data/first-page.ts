/**
 * The list's first page, asked for as this module is evaluated. main.tsx imports it before anything
 * else, so the call to the core runs while the rest of the page (React, zod, TanStack) is still
 * being evaluated, instead of after the first render has mounted the list's query. Its imports are
 * kept to the bridge client and a zod-free request builder for that reason.
 */
import type { EntryPage } from '../../../shared/contract';
import { invoke } from './client';
import { NO_FILTERS, listRequest } from './list-request';

export const firstPage: Promise<EntryPage> = invoke('entries:list', listRequest(NO_FILTERS));
// Whoever takes it handles its failure; until then a rejection is not an unhandled one.
firstPage.catch(() => undefined);
