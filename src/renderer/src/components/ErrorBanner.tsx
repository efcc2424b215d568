import { POLL_MS } from '../data/polling';
import { AlertIcon } from './icons';
import { Button } from './ui';

/** Shown while calls fail. Polling continues underneath, so it disappears on its own on recovery. */
export function ErrorBanner({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div
      role="alert"
      className="flex items-center gap-3 rounded-xl border border-rose-200 bg-rose-50 px-4 py-3 text-sm text-rose-800 dark:border-rose-500/30 dark:bg-rose-500/10 dark:text-rose-200"
    >
      <AlertIcon className="shrink-0 text-rose-600 dark:text-rose-400" />
      <p className="min-w-0 flex-1">
        <span className="font-semibold">Can’t reach the pipeline.</span> {message}{' '}
        <span className="text-rose-700/80 dark:text-rose-300/80">
          Trying again every {POLL_MS / 1000} s; shown data may be out of date.
        </span>
      </p>
      <Button variant="secondary" onClick={onRetry} className="h-8">
        Retry now
      </Button>
    </div>
  );
}
