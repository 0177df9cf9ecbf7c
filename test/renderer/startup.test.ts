import { describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { api, ApiError, createApi } from '../../renderer/api';
import { startApp, VIEW_STORAGE_KEY } from '../../renderer/startup';
import { useGridStore } from '../../renderer/stores/grid';
import { useKeysStore } from '../../renderer/stores/keys';
import { useNoticesStore } from '../../renderer/stores/notices';
import { useOperationsStore } from '../../renderer/stores/operations';
import { useSelectionStore } from '../../renderer/stores/selection';
import { useServersStore } from '../../renderer/stores/servers';
import { useUiStore } from '../../renderer/stores/ui';
import { useViewStore } from '../../renderer/stores/view';
import { FakeMain, license, makeServer, makeStatus } from './fake-bridge';

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  key(i: number) {
    return [...this.items.keys()][i] ?? null;
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

function boot(main: FakeMain, storage: Storage | null = null) {
  Object.defineProperty(window, 'bf', { value: main.bridge, configurable: true, writable: true });
  setActivePinia(createPinia());
  return startApp(storage);
}

describe('api', () => {
  it('unwraps results and throws the main process\'s kind and message', async () => {
    const main = new FakeMain();
    main.servers = [makeServer({ name: 'x' })];
    main.on('servers.remove', () => {
      throw { kind: 'NotFound', message: 'No such server: refresh the list.' };
    });
    const bf = createApi(main.bridge);
    expect((await bf.servers.list()).map((s) => s.name)).toEqual(['x']);
    const err = await bf.servers.remove({ ids: ['nope'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ kind: 'NotFound', message: 'No such server: refresh the list.' });
  });

  it('says so when the bridge itself fails', async () => {
    const main = new FakeMain();
    const broken = { ...main.bridge, app: { info: () => Promise.reject(new Error('channel closed')) } } as unknown as typeof main.bridge;
    const err = await createApi(broken).app.info().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'IpcError' });
    expect((err as Error).message).toContain('Restart the app');
  });
});

describe('start-up', () => {
  it('loads everything, shows start-up notices, and follows the main process\'s events', async () => {
    const main = new FakeMain();
    const a = makeServer({ name: 'a' });
    main.servers = [a];
    main.notices = ['servers.json was damaged and set aside as servers.json.broken-1; the list was restored from the backup.'];
    const { ready, stop } = boot(main);
    await ready;
    expect(useServersStore().servers).toHaveLength(1);
    expect(useNoticesStore().notices[0]).toContain('was damaged');
    expect(useGridStore().rows[0]!.reach).toBe('never');

    main.emit('status.changed', [makeStatus(a.id, { license: license('expired', -3) })]);
    expect(useGridStore().rows[0]!.health).toBe('expired');

    main.servers = [a, makeServer({ name: 'b' })];
    main.emit('servers.changed', undefined);
    await expect.poll(() => useServersStore().servers.length).toBe(2);

    main.keys = [{ id: '00000000-0000-4000-8000-00000000aaaa', label: 'K', fingerprint: 'a'.repeat(64), shortFingerprint: 'aaaaaaaaaaaa', addedAt: '2025-01-01T00:00:00.000Z', bytes: 1, learned: null }];
    main.emit('keys.changed', undefined);
    await expect.poll(() => useKeysStore().keys.length).toBe(1);

    stop();
    main.emit('status.changed', [makeStatus(a.id, { license: license('valid', 100) })]);
    expect(useGridStore().rows.find((r) => r.id === a.id)!.health).toBe('expired'); // unsubscribed
  });

  it('carries out menu commands', async () => {
    const main = new FakeMain();
    main.servers = [makeServer({ name: 'a' }), makeServer({ name: 'b' })];
    const { ready, stop } = boot(main);
    await ready;
    const ui = useUiStore();
    main.emit('menu.command', 'add-server');
    expect(ui.dialog).toEqual({ name: 'server' });
    main.emit('menu.command', 'open-settings');
    expect(ui.dialog).toEqual({ name: 'settings' });
    main.emit('menu.command', 'select-all');
    expect(useSelectionStore().size).toBe(2);
    const before = ui.focusFilterRequest;
    main.emit('menu.command', 'focus-filter');
    expect(ui.focusFilterRequest).toBe(before + 1);
    main.emit('menu.command', 'refresh-selected');
    await expect.poll(() => main.callsTo('fleet.refresh')).toHaveLength(1);
    expect((main.callsTo('fleet.refresh')[0] as { serverIds: string[] }).serverIds).toHaveLength(2);
    expect(useOperationsStore().busy).toBe(true);
    stop();
  });

  it('remembers the view (filters, sort, columns, density) and ignores a damaged one', async () => {
    const storage = new MemoryStorage();
    const first = boot(new FakeMain(), storage);
    await first.ready;
    const view = useViewStore();
    view.setChips(['expired', 'auth']);
    view.setSort({ column: 'expiry', desc: true });
    view.toggleColumn('journal');
    view.setDensity('comfortable');
    await Promise.resolve();
    first.stop();
    expect(JSON.parse(storage.getItem(VIEW_STORAGE_KEY)!)).toMatchObject({ sort: { column: 'expiry', desc: true }, density: 'comfortable' });

    const second = boot(new FakeMain(), storage);
    await second.ready;
    expect(useViewStore().filters.chips).toEqual(['expired', 'auth']);
    expect(useViewStore().sort).toEqual({ column: 'expiry', desc: true });
    expect(useViewStore().columns).not.toContain('journal');
    expect(useViewStore().density).toBe('comfortable');
    second.stop();

    storage.setItem(VIEW_STORAGE_KEY, '{"filters": {"chips": ["nonsense", "valid"], "text": 42}, "sort": {"column": "rm -rf"}, "columns": "all"}');
    const third = boot(new FakeMain(), storage);
    await third.ready;
    expect(useViewStore().filters).toEqual({ text: '', chips: ['valid'], site: null, expiringWithin: null });
    expect(useViewStore().sort).toBeNull();
    third.stop();

    storage.setItem(VIEW_STORAGE_KEY, '{not json');
    const fourth = boot(new FakeMain(), storage);
    await fourth.ready;
    expect(useViewStore().filters.chips).toEqual([]);
    fourth.stop();
  });

  it('a failed load says what failed, once, in the notification', async () => {
    const main = new FakeMain();
    main.on('servers.list', () => {
      throw { kind: 'KeychainUnavailable', message: 'No OS keychain available: install gnome-keyring.' };
    });
    const { ready, stop } = boot(main);
    await ready;
    expect(useNoticesStore().toast?.message).toBe('Could not load the servers: No OS keychain available: install gnome-keyring.');
    expect(api()).toBeDefined();
    stop();
  });
});
