export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
/** Label for the platform's command key in shortcut hints. */
export const modKey = isMac ? '⌘' : 'Ctrl';
