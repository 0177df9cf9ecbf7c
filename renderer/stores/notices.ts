import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { AppInfo } from '../../electron/ipc/contract';
import { api, errorInfo } from '../api';

export interface Toast {
  id: number;
  message: string;
  tone: 'bad' | 'ok' | 'info';
}

/**
 * What the app tells the user outside a dialog: start-up notices (damaged files set aside) as
 * banners, and one notification at a time — never one per server.
 */
export const useNoticesStore = defineStore('notices', () => {
  const info = shallowRef<AppInfo | null>(null);
  const notices = ref<string[]>([]);
  const toast = shallowRef<Toast | null>(null);
  let nextId = 1;

  async function load(): Promise<void> {
    info.value = await api().app.info();
    notices.value = [...info.value.notices];
  }

  function dismissNotice(index: number): void {
    notices.value = notices.value.filter((_, i) => i !== index);
  }

  /** Shows one notification, replacing any other. */
  function notify(message: string, tone: Toast['tone'] = 'info'): void {
    toast.value = { id: nextId++, message, tone };
  }

  /** Shows a caught error: its message already says what to do. */
  function fail(err: unknown, context?: string): void {
    const { message } = errorInfo(err);
    notify(context ? `${context}: ${message}` : message, 'bad');
  }

  function dismissToast(): void {
    toast.value = null;
  }

  return { info, notices, toast, load, dismissNotice, notify, fail, dismissToast };
});
