/** Shared by child-core.ts's `poison` mode and test/faults/poison-stage.test.ts. */
import { dirname, join } from 'node:path';

/** The entry whose stage ends the child's process. */
export const POISON_TITLE = 'poison';
export const POISON_MAX_ATTEMPTS = 3;
/** One line per start of the poisoned stage, written just before the process dies. */
export const poisonStartsFile = (dataDir: string): string => join(dirname(dataDir), 'poison-starts.log');
