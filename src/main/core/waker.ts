/**
 * Wakes idle worker loops. A wake with no loop waiting is remembered, so a create that lands between
 * a loop's empty claim and its wait is not missed (otherwise that entry would wait a whole idle poll).
 */
export class Waker {
  private waiters: (() => void)[] = [];
  private pending = 0;

  /** Resolves on a wake, after `timeoutMs`, or when `signal` aborts; never rejects. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.pending > 0) {
      this.pending--;
      return Promise.resolve();
    }
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters = this.waiters.filter((w) => w !== done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.waiters.push(done);
    });
  }

  /** Wakes up to `n` waiting loops; wakes with no waiter are kept for the next `wait`. */
  wake(n = 1): void {
    for (let i = 0; i < n; i++) {
      const w = this.waiters.shift();
      if (w) w();
      else this.pending = Math.min(this.pending + 1, 64);
    }
  }

  wakeAll(): void {
    for (const w of [...this.waiters]) w();
  }
}
