// @ts-check
/**
 * One flat config for every process. Type-aware rules use each file's own tsconfig (node for
 * main/preload/shared/tests/scripts, web for the renderer) through the project service, so lint
 * sees the same boundaries as `npm run typecheck`.
 */
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'drizzle/**', 'coverage/**', 'scratch/**', 'test-artifacts/**'],
  },
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Template literals with numbers are how messages are built here; the rule's default is too strict.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Unused arguments prefixed with _ document a callback's shape (e.g. permission handlers).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `onClick={() => setOpen(false)}` is the idiom for handlers; a void in a shorthand body confuses no one.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // In tests a wrong `!` fails the test at once, which is the point of the assertion.
    files: ['test/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    // Plain JavaScript (this file, scripts) is not in any tsconfig: lint it without type information.
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', URL: 'readonly' },
    },
  },
);
