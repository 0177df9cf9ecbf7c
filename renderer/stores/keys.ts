import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { KeyApplication, KeyInfo } from '../../electron/ipc/contract';
import { api } from '../api';
import { MAX_KEY_FILE_BYTES } from '../../electron/common/limits';


/**
 * The key library: labels and fingerprints only. Key text passes through `add` to the main
 * process and is never kept here.
 */
export const useKeysStore = defineStore('keys', () => {
  const keys = shallowRef<readonly KeyInfo[]>([]);
  /** Where each key was applied, newest first, by key id; null until loaded (when the library opens). */
  const applications = shallowRef<ReadonlyMap<string, readonly KeyApplication[]> | null>(null);

  async function load(): Promise<void> {
    keys.value = await api().keys.list();
  }

  /** Sends pasted text or a file's content to the vault; the caller must drop its copy. */
  async function add(input: { text: string; fileName?: string; label?: string }): Promise<KeyInfo> {
    const key = await api().keys.add(input);
    await load();
    return key;
  }

  async function remove(id: string): Promise<void> {
    await api().keys.remove({ id });
    await load();
  }

  /** Where every key was applied: one request, however many keys there are. */
  async function loadApplications(): Promise<void> {
    applications.value = new Map(Object.entries(await api().keys.applications()));
  }

  return { keys, applications, load, add, remove, loadApplications };
});

/** Reads a chosen or dropped file as a key's text, refusing what is too large to be one. */
export async function readKeyFile(file: File): Promise<string> {
  if (file.size > MAX_KEY_FILE_BYTES) {
    throw new Error(`“${file.name}” is ${Math.ceil(file.size / 1024)} KiB, larger than any license key (at most 64 KiB of text). Choose the key file you were sent.`);
  }
  return file.text();
}
