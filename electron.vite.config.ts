import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import vue from '@vitejs/plugin-vue';
import type { Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './electron/main/window-options';

/**
 * Puts the app's Content-Security-Policy into the built index.html as a <meta> tag, first in <head>:
 * defence in depth beside the header app:// sends. Build only: the dev server injects <style>
 * elements, which the production policy refuses (index.ts gives the dev server its own header).
 */
export function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'bf-content-security-policy-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  main: {
    build: {
      // zod and axios are bundled: as externals they are ~80 and ~100 modules (axios with its
      // CommonJS dependencies) that Node resolves, reads and compiles one by one, most of a
      // command-line call's start-up time; axios alone held the first request back by ~70 ms.
      externalizeDeps: { exclude: ['zod', 'axios'] },
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
    plugins: [vue(), contentSecurityPolicyMeta()],
    build: {
      minify: true, // electron-vite leaves the renderer unminified by default; it is most of the start-up JavaScript
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
