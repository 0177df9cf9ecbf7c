import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import type { Settings } from '../../electron/ipc/contract';
import { api } from '../api';

/** Used until the main process answers; the same values as the core's defaults. */
const BEFORE_LOAD: Settings = { refreshIntervalMinutes: 15, expiryWarningDays: 30, concurrency: 16, timeoutSeconds: 15, notifications: true };

/** The user's preferences, kept by the main process. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<Settings>(BEFORE_LOAD);
  const warningDays = computed(() => settings.value.expiryWarningDays);
  const refreshIntervalMinutes = computed(() => settings.value.refreshIntervalMinutes);

  async function load(): Promise<void> {
    settings.value = await api().settings.get();
  }

  /** Saves a change; the main process refuses an invalid one whole (ApiError). */
  async function update(patch: Partial<Settings>): Promise<Settings> {
    settings.value = await api().settings.update(patch);
    return settings.value;
  }

  return { settings, warningDays, refreshIntervalMinutes, load, update };
});
