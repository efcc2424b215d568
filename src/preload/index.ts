/**
 * The preload: exposes exactly one object, `window.entryflow`: `invoke` and `onChange`. Built as CommonJS
 * (out/preload/index.cjs) because a sandboxed renderer cannot run an ESM preload.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './bridge';

export type { EntryflowBridge } from '../shared/contract';

// Only the bridge object crosses: ipcRenderer itself never reaches the page.
contextBridge.exposeInMainWorld(
  'entryflow',
  createBridge(
    (ipcChannel, payload) => ipcRenderer.invoke(ipcChannel, payload),
    (ipcChannel, listener) => {
      const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => {
        listener(payload);
      };
      ipcRenderer.on(ipcChannel, handler);
      return () => {
        ipcRenderer.removeListener(ipcChannel, handler);
      };
    },
  ),
);
