/**
 * The words an unavailable core answers with, in one place: main (pending-core.ts), the core
 * (index.ts) and the renderer's banner, which must tell "starting", "shutting down" and "stopped"
 * apart to say what is true (a stopped core is not "trying again").
 */
export const STILL_OPENING_MESSAGE =
  'Entryflow is starting: it is still opening its data folder (this can take a minute on the first launch or after an update).';
export const SHUTTING_DOWN_MESSAGE = 'Entryflow is shutting down; the call was not run.';
/** Once the close has finished: "shutting down" would no longer be true. */
export const CLOSED_MESSAGE = 'Entryflow has stopped: nothing is read or changed until it is started again.';
