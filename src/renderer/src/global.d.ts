import type { EntryflowBridge } from '../../shared/contract';

declare global {
  interface Window {
    /** Exposed by the preload (contextBridge); the renderer's only way to reach the core. */
    entryflow: EntryflowBridge;
  }
}

export {};
