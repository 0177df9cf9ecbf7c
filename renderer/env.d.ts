/// <reference types="vite/client" />
import type { Bridge } from '../electron/ipc/contract';

declare global {
  interface Window {
    /** The preload's bridge to the main process (in the browser tests, to the real handlers). */
    bf: Bridge;
  }
}

export {};
