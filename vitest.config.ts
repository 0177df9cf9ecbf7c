import { defineConfig } from 'vitest/config';
import vue from '@vitejs/plugin-vue';

// One runner, three projects: plain Node (core, IPC, CLI, simulator), the renderer's components
// in happy-dom, and end-to-end runs in Debian's Chromium over the real handlers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/sim/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/reliability/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          // Rebuilds out/ first when it is missing or older than the sources (only when an e2e test is selected).
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
