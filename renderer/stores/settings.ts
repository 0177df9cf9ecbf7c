import { defineStore } from 'pinia';
import { computed, shallowRef } from 'vue';
import { DEFAULT_SETTINGS, type Settings } from '../../electron/common/settings';
import { api } from '../api';


/** The user's preferences, kept by the main process. */
export const useSettingsStore = defineStore('settings', () => {
  const settings = shallowRef<Settings>(DEFAULT_SETTINGS) // until the main process answers;
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
