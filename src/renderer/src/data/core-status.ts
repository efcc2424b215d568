/**
 * What a failing call says about the core, for the banner: it must say what is true. A core that
 * is starting or unreachable is asked again at every poll; one shutting down or stopped will not
 * answer again in this session, so "trying again" would be false there.
 */
import { CLOSED_MESSAGE, SHUTTING_DOWN_MESSAGE, STILL_OPENING_MESSAGE } from '../../../shared/core-messages';
import { errorMessage } from '../../../shared/error-message';
import { isEntryflowError } from './client';

export type CoreOutage = 'starting' | 'unreachable' | 'failing' | 'stopping' | 'stopped';

export function outageOf(error: unknown): CoreOutage {
  if (!isEntryflowError(error)) return 'failing';
  if (error.message === CLOSED_MESSAGE) return 'stopped';
  if (error.message === SHUTTING_DOWN_MESSAGE) return 'stopping';
  if (error.message === STILL_OPENING_MESSAGE) return 'starting';
  return error.code === 'UNAVAILABLE' ? 'unreachable' : 'failing';
}

/** Whether the poll will bring the data back on its own (the banner says "trying again"). */
export function recovers(outage: CoreOutage): boolean {
  return outage !== 'stopping' && outage !== 'stopped';
}

export interface CoreTrouble {
  outage: CoreOutage;
  message: string;
}

export function troubleOf(error: unknown): CoreTrouble {
  return { outage: outageOf(error), message: errorMessage(error) };
}
