import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// findBy*/waitFor wait for a condition; 1 s (the default) is a race on a shared, busy machine.
configure({ asyncUtilTimeout: 5000 });

// Vitest runs without globals, so Testing Library cannot register its own cleanup.
afterEach(() => cleanup());

// jsdom has no layout. Give the virtualised table's viewport a size so it renders rows.
for (const prop of ['clientHeight', 'clientWidth'] as const) {
  Object.defineProperty(HTMLElement.prototype, prop, {
    configurable: true,
    get(this: HTMLElement) {
      if (!this.hasAttribute('data-virtual-viewport')) return 0;
      return prop === 'clientHeight' ? 800 : 1200;
    },
  });
}

// sonner's theme="system" asks matchMedia, which jsdom lacks: answer "light, never changes".
Object.defineProperty(window, 'matchMedia', {
  configurable: true,
  value: (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList,
});
