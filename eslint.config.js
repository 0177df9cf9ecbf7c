import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'coverage/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-control-regex': 'off',
    },
  },
  {
    // Only the thin shell may touch Electron; everything below it must run in plain Node.
    files: ['electron/core/**', 'electron/ipc/**', 'electron/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron.' }] }],
    },
  },
  {
    // The common layer runs everywhere (Node, the renderer, the command line): it imports only itself.
    files: ['electron/common/**'],
    languageOptions: { globals: { ...globals['shared-node-browser'] } },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'electron/common is runtime-free: it may import only other electron/common modules (./x), no node:*, axios, keytar, electron, Vue or core code.' }] },
      ],
    },
  },
  {
    // The renderer runs none of the core: only the common layer, and the IPC contract's types.
    files: ['renderer/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches the main process through window.bf only.' }],
          patterns: [
            { group: ['**/electron/ipc/*'], allowTypeImports: true, message: 'The renderer may import the IPC contract as types only (import type).' },
            { regex: '(^|/)electron/(?!common/|ipc/)', message: 'The renderer may import only electron/common and types of electron/ipc/contract.' },
            { regex: '^(node:|axios$|keytar$|zod$|csv-parse)', message: 'The renderer runs no Node modules or core libraries.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
