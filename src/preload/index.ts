/**
 * The preload: exposes exactly one object, `window.entryflow`, with one method. Built as CommonJS
 * (out/preload/index.cjs) because a sandboxed renderer cannot run an ESM preload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

export type { EntryflowBridge } from '../shared/contract';

// Only the bridge object crosses: ipcRenderer itself never reaches the page.
contextBridge.exposeInMainWorld(
  'entryflow',
  createBridge((ipcChannel, payload) => ipcRenderer.invoke(ipcChannel, payload)),
);
