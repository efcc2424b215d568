/** The update prompts as Electron message boxes. Never type 'error': an update problem is not the user's. */
import { dialog, type BrowserWindow, type MessageBoxOptions } from 'electron';
import type { UpdateUi } from './updater';

export const RESTART_NOW = 0;

export function updateDialogs(window: () => BrowserWindow | undefined): UpdateUi {
  const show = (options: MessageBoxOptions) => {
    const parent = window();
    return parent === undefined || parent.isDestroyed() ? dialog.showMessageBox(options) : dialog.showMessageBox(parent, options);
  };
  return {
    async askToRestart(version) {
      const { response } = await show({
        type: 'info',
        title: 'Update ready',
        message: `Entryflow ${version} is ready to install`,
        detail: 'Restart now to use it, or choose Later: it will be installed when you quit Entryflow.',
        buttons: ['Restart Now', 'Later'],
        defaultId: RESTART_NOW,
        cancelId: 1,
        noLink: true,
      });
      return response === RESTART_NOW;
    },
    async tell(message, detail) {
      await show({ type: 'info', title: 'Check for Updates', message, detail, buttons: ['OK'], noLink: true });
    },
  };
}
