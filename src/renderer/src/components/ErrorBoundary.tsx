import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** Last line of defence against a white screen: a render error shows a message and a Reload button. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Entryflow renderer crashed', error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="flex min-h-full items-center justify-center bg-zinc-50 p-8 dark:bg-zinc-950">
        <div
          role="alert"
          className="w-full max-w-md rounded-2xl border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
        >
          <h1 className="text-base font-semibold text-zinc-900 dark:text-zinc-50">Something went wrong</h1>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            The dashboard hit an unexpected error. Your entries are safe; reloading usually fixes this.
          </p>
          <pre className="mt-4 max-h-40 overflow-auto rounded-lg bg-zinc-100 p-3 font-mono text-xs whitespace-pre-wrap text-zinc-700 dark:bg-zinc-950 dark:text-zinc-300">
            {error.message}
          </pre>
          <button
            type="button"
            onClick={() => window.location.reload()}
            className="focus-ring mt-5 inline-flex h-9 items-center rounded-lg bg-indigo-600 px-4 text-sm font-medium text-white hover:bg-indigo-500"
          >
            Reload
          </button>
        </div>
      </div>
    );
  }
}
