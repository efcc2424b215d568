import type { CoreOutage } from '../data/core-status';
import { recovers } from '../data/core-status';
import { POLL_MS } from '../data/polling';
import { Alert } from './Alert';
import { Button } from './ui';

interface Props {
  outage: CoreOutage;
  /** The failing call's own words. */
  message: string;
  onRetry: () => void;
}

const TITLES: Record<CoreOutage, string> = {
  starting: 'Entryflow is starting.',
  unreachable: 'Can’t reach the pipeline.',
  failing: 'The pipeline answered with an error.',
  stopping: 'Entryflow is shutting down.',
  stopped: 'Entryflow has stopped.',
};

/**
 * Shown while calls fail, saying only what is true: while the poll can still bring the data back it
 * says it is trying again (and offers to now); a core shutting down or stopped will not answer again,
 * so the banner says what that means for the rows shown instead.
 */
export function ErrorBanner({ outage, message, onRetry }: Props) {
  const retrying = recovers(outage);
  return (
    <Alert
      title={TITLES[outage]}
      actions={
        retrying ? (
          <Button variant="secondary" onClick={onRetry} className="h-8">
            Retry now
          </Button>
        ) : null
      }
    >
      <span data-outage={outage}>
        {outage === 'stopped' ? (
          <>
            Nothing is read or changed until it is started again.{' '}
            <span>The rows shown are as they were when it stopped.</span>
          </>
        ) : outage === 'stopping' ? (
          <>
            It no longer reads or changes entries.{' '}
            <span>The rows shown are as they were before it began to stop.</span>
          </>
        ) : (
          <>
            {outage === 'starting' ? 'It is still opening its data folder; this can take a minute.' : message}{' '}
            <span>Trying again every {POLL_MS / 1000} s; the rows shown may be out of date.</span>
          </>
        )}
      </span>
    </Alert>
  );
}
