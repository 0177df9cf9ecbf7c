/** Fresh Pinia and a fake main process for each renderer test. */
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { FakeMain } from './fake-bridge';
import { useServersStore } from '../../renderer/stores/servers';
import { useSettingsStore } from '../../renderer/stores/settings';

export async function setup(fill?: (main: FakeMain) => void): Promise<{ main: FakeMain; pinia: Pinia }> {
  const main = new FakeMain();
  fill?.(main);
  Object.defineProperty(window, 'bf', { value: main.bridge, configurable: true, writable: true });
  const pinia = createPinia();
  setActivePinia(pinia);
  await Promise.all([useServersStore().load(), useSettingsStore().load()]);
  return { main, pinia };
}
