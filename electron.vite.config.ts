import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';

export default defineConfig({
  main: {
    build: {
      // The command line is built beside the main process: the same core, one bundle step.
      rollupOptions: {
        input: { index: resolve('electron/main/index.ts'), cli: resolve('electron/cli/main.ts') },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot be an ES module, and may only require 'electron': bundle it as CommonJS.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [vue()],
    build: {
      minify: true, // electron-vite leaves the renderer unminified by default; it is most of the start-up JavaScript
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
