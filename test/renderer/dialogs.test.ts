import { afterEach, describe, expect, it } from 'vitest';
import type { VueWrapper } from '@vue/test-utils';
import ApplyDialog from '../../renderer/components/operations/ApplyDialog.vue';
import KeyLibraryDialog from '../../renderer/components/keys/KeyLibraryDialog.vue';
import ServerDialog from '../../renderer/components/servers/ServerDialog.vue';
import { useGridStore } from '../../renderer/stores/grid';
import { useKeysStore } from '../../renderer/stores/keys';
import { useOperationsStore } from '../../renderer/stores/operations';
import { useSelectionStore } from '../../renderer/stores/selection';
import { useViewStore } from '../../renderer/stores/view';
import { license, makeServer, makeStatus, type FakeMain } from './fake-bridge';
import { mountWith, settle } from './mount';
import { setup } from './setup';
import { localTime } from '../../electron/common/format';

let wrapper: VueWrapper | null = null;
afterEach(() => {
  wrapper?.unmount();
  wrapper = null;
});

function fleet(main: FakeMain): void {
  const add = (name: string, status: Parameters<typeof makeStatus>[1]) => {
    const s = makeServer({ name, site: name.startsWith('n') ? 'North' : 'South' });
    main.servers.push(s);
    main.statuses.push(makeStatus(s.id, status));
  };
  add('n-long', { license: license('valid', 200) });
  add('n-soon', { license: license('valid', 5) });
  add('s-expired', { license: license('expired', -2) });
  add('s-down', { license: license('missing'), reachability: 'offline' });
  main.keys = [
    { id: '00000000-0000-4000-8000-00000000aaaa', label: 'Acme 2027', fingerprint: 'a'.repeat(64), shortFingerprint: 'aaaaaaaaaaaa', addedAt: '2025-01-01T00:00:00.000Z', bytes: 100, learned: null },
    { id: '00000000-0000-4000-8000-00000000bbbb', label: 'Spare', fingerprint: 'b'.repeat(64), shortFingerprint: 'bbbbbbbbbbbb', addedAt: '2025-01-02T00:00:00.000Z', bytes: 100, learned: null },
  ];
}

describe('ApplyDialog', () => {
  it('previews exactly the frozen servers, warns, and applies to them whatever the grid does meanwhile', async () => {
    const { main, pinia } = await setup(fleet);
    await useKeysStore().load();
    const grid = useGridStore();
    const selection = useSelectionStore();
    selection.set(grid.rows.map((r) => r.id));
    const frozen = selection.freeze();
    wrapper = mountWith(ApplyDialog, pinia, { props: { serverIds: frozen } });
    await settle();

    const text = wrapper.text();
    expect(text).toContain('Apply a key to 4 servers');
    for (const name of ['n-long', 'n-soon', 's-expired', 's-down']) expect(text).toContain(name);
    expect(text).toContain('1 valid license will be replaced');
    expect(text).toContain('1 expiring license will be replaced');
    expect(text).toContain('1 server was unreachable at the last check and may fail');
    expect(text).toContain('2 servers hold a license that is still valid');
    expect(text).toContain('1 server is still licensed for more than 30 days');
    // The test fleet is plain http: the key text would travel unencrypted, and the preview says so.
    expect(text).toContain('The key text goes to each server: 4 servers use http://');

    const confirm = () => wrapper!.findAll('button').find((b) => b.text().startsWith('Apply'))!;
    // No key chosen yet (two in the library), and the strong warning needs acknowledging.
    expect(confirm().attributes('disabled')).toBeDefined();
    await wrapper.findAll('input[type=radio]')[0]!.setValue(true);
    expect(confirm().attributes('disabled')).toBeDefined();
    await wrapper.get('.ack input').setValue(true);
    expect(confirm().attributes('disabled')).toBeUndefined();
    expect(confirm().text()).toBe('Apply “Acme 2027” to 4 servers');

    // The grid moves on: another filter, another selection. The dialog's servers do not.
    useViewStore().setSite('North');
    selection.clear();
    await settle();
    await confirm().trigger('click');
    await settle();
    // "Try on 1 server first" is on by default: the first of them in the server list goes first.
    expect(main.callsTo('fleet.apply')).toEqual([{ keyId: '00000000-0000-4000-8000-00000000aaaa', serverIds: [...frozen], canaries: 1 }]);
    expect(main.callsTo('settings.update')).toEqual([{ canaryEnabled: true, canaryCount: 1, canaryPause: false }]);
    expect(useOperationsStore().running?.keyLabel).toBe('Acme 2027');
    expect(wrapper.emitted('close')).toHaveLength(1);
  });

  it('offers "Try on N server(s) first" as a labelled checkbox and number, shows learned terms and a confirmation per failed guard', async () => {
    const { main, pinia } = await setup(fleet);
    const until = new Date(Date.now() + 100 * 86_400_000).toISOString().slice(0, 10); // after n-soon's license, before n-long's
    const terms = { online_checkin: false, max_streams: 8, journal_max_allowed_age: 2_592_000, expiration_date: until };
    main.keys = [{ ...main.keys[0]!, learned: { terms, server: 'n-soon', at: '2025-06-01T10:00:00.000Z' } }];
    await useKeysStore().load();
    const grid = useGridStore();
    const ids = grid.rows.map((r) => r.id);
    wrapper = mountWith(ApplyDialog, pinia, { props: { serverIds: ids, keyId: main.keys[0]!.id } });
    await settle();
    expect(wrapper.get('[data-testid=learned-terms]').text()).toBe(`Acme 2027: 8 streams, until ${until}, learned from n-soon on ${localTime('2025-06-01T10:00:00.000Z')}.`);

    const tryFirst = wrapper.findAll('label.checkbox').find((l) => l.text().startsWith('Try on'))!;
    expect(tryFirst.text()).toBe('Try on 1 server first');
    expect((tryFirst.get('input').element as HTMLInputElement).checked).toBe(true);
    const count = wrapper.findAll('label').find((l) => l.text().startsWith('Servers to try first'))!.get('input');
    await count.setValue('2');
    expect(tryFirst.text()).toBe('Try on 2 servers first');
    await count.setValue('4'); // none would be left for after the canaries
    expect(wrapper.text()).toContain('Give a whole number from 1 to 3');
    await count.setValue('1');
    expect(wrapper.text()).toContain('First n-long.'); // first by name, as the server list shows them
    expect(wrapper.text()).toContain('canary: tried first');
    // Without canaries every server is guarded.
    await tryFirst.get('input').setValue(false);
    expect(wrapper.text()).not.toContain('canary: tried first');

    // n-long's license lasts longer than the key: its expiry guard blocks it until confirmed.
    const override = wrapper.findAll('label.override').find((l) => l.text() === 'Apply to n-long anyway (expiry)')!;
    expect(wrapper.text()).toContain('1 server will not get the key');
    await override.get('input').setValue(true);
    expect(wrapper.text()).not.toContain('will not get the key');
    await wrapper.get('.ack input').setValue(true);
    await wrapper.findAll('button').find((b) => b.text().startsWith('Apply'))!.trigger('click');
    await settle();
    const nLong = grid.rows.find((r) => r.name === 'n-long')!.id;
    expect(main.callsTo('fleet.apply')).toEqual([{ keyId: main.keys[0]!.id, serverIds: ids, overrides: [{ serverId: nLong, kind: 'ShortensExpiry' }] }]);
    expect(main.callsTo('settings.update')).toEqual([{ canaryEnabled: false, canaryCount: 1, canaryPause: false }]);
  });

  it('shows the main process\'s refusal in the dialog', async () => {
    const { main, pinia } = await setup(fleet);
    await useKeysStore().load();
    main.on('fleet.apply', () => {
      throw { kind: 'NotFound', message: 'That key is no longer in the library. Add it again.' };
    });
    const ids = [useGridStore().rows.find((r) => r.name === 's-expired')!.id];
    wrapper = mountWith(ApplyDialog, pinia, { props: { serverIds: ids, keyId: '00000000-0000-4000-8000-00000000bbbb' } });
    await settle();
    expect(wrapper.find('.ack').exists()).toBe(false);
    await wrapper.findAll('button').find((b) => b.text().startsWith('Apply'))!.trigger('click');
    await settle();
    expect(wrapper.get('[role=alert]').text()).toContain('That key is no longer in the library. Add it again.');
    expect(wrapper.emitted('close')).toBeUndefined();
  });
});

describe('KeyLibraryDialog', () => {
  it('sends pasted key text to the main process and keeps no copy', async () => {
    const { main, pinia } = await setup();
    const key = 'QUJDRA=='.repeat(8);
    main.on('keys.add', ({ text }) => {
      const info = { id: '00000000-0000-4000-8000-00000000cccc', label: 'key-123456789abc', fingerprint: 'c'.repeat(64), shortFingerprint: 'cccccccccccc', addedAt: '2025-01-01T00:00:00.000Z', bytes: text.length, learned: null };
      main.keys = [info];
      return info;
    });
    wrapper = mountWith(KeyLibraryDialog, pinia);
    await settle();
    const textarea = wrapper.get('textarea');
    await textarea.setValue(`${key}\n`);
    await wrapper.findAll('button').find((b) => b.text().includes('Add pasted key'))!.trigger('click');
    await settle();
    expect(main.callsTo('keys.add')).toEqual([{ text: `${key}\n` }]);
    expect((textarea.element as HTMLTextAreaElement).value).toBe('');
    expect(wrapper.text()).toContain('key-123456789abc');
    expect(wrapper.get('[role=status]').text()).toBe('Added key “key-123456789abc”.');
    expect(JSON.stringify(pinia.state.value)).not.toContain('QUJDRA');
  });

  it('refuses a file too large to be a key without reading it', async () => {
    const { main, pinia } = await setup();
    wrapper = mountWith(KeyLibraryDialog, pinia);
    await settle();
    const input = wrapper.get('input[type=file]');
    const big = new File([new Uint8Array(65 * 1024)], 'movie.mp4');
    Object.defineProperty(input.element, 'files', { value: [big], configurable: true });
    await input.trigger('change');
    await settle();
    expect(wrapper.get('[role=alert]').text()).toContain('“movie.mp4” is 65 KiB, larger than any license key');
    expect(main.callsTo('keys.add')).toEqual([]);
  });
});

describe('ServerDialog', () => {
  it('checks the address as the main process does, before sending anything', async () => {
    const { main, pinia } = await setup();
    wrapper = mountWith(ServerDialog, pinia);
    await settle();
    const [name, url] = wrapper.findAll('input');
    await name!.setValue('Lobby');
    await url!.setValue('10.0.0.5');
    await url!.trigger('blur');
    expect(wrapper.text()).toContain('has no scheme: start it with http:// or https://');
    expect(url!.attributes('aria-invalid')).toBe('true');
    await wrapper.get('form').trigger('submit');
    expect(main.callsTo('servers.add')).toEqual([]);
    await url!.setValue('http://10.0.0.5');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(main.callsTo('servers.add')).toEqual([{ name: 'Lobby', url: 'http://10.0.0.5', site: '', notes: '', tlsFingerprint: null, credentials: null }]);
  });

  it('never fills in the password when editing, and keeps the stored credentials when left blank', async () => {
    const { main, pinia } = await setup((m) => m.servers.push(makeServer({ id: '00000000-0000-4000-8000-0000000000ee', name: 'Kept', url: 'https://10.0.0.9', hasCredentials: true })));
    main.on('servers.update', ({ id }) => main.servers.find((s) => s.id === id)!);
    main.on('servers.test', () => ({ version: '0.30.5', license: license('valid', 100) }));
    wrapper = mountWith(ServerDialog, pinia, { props: { serverId: '00000000-0000-4000-8000-0000000000ee' } });
    await settle();
    expect((wrapper.get('input[type=password]').element as HTMLInputElement).value).toBe('');
    expect(wrapper.text()).toContain('leave blank to keep them');
    await wrapper.findAll('button').find((b) => b.text().includes('Test connection'))!.trigger('click');
    await settle();
    // Blank credentials: the main process uses the stored ones (by id); none travel from here.
    expect(main.callsTo('servers.test')).toEqual([{ url: 'https://10.0.0.9', tlsFingerprint: null, id: '00000000-0000-4000-8000-0000000000ee' }]);
    expect(wrapper.text()).toContain('Connected.');
    await wrapper.get('form').trigger('submit');
    await settle();
    const [update] = main.callsTo('servers.update') as { changes: Record<string, unknown> }[];
    expect(update!.changes).not.toHaveProperty('credentials');
  });

  it('keeps stored credentials for a new address only when the user ticks the box naming both addresses', async () => {
    const id = '00000000-0000-4000-8000-0000000000ef';
    const { main, pinia } = await setup((m) => m.servers.push(makeServer({ id, name: 'Moved', url: 'http://10.0.0.9', hasCredentials: true })));
    main.on('servers.update', ({ id: which }) => main.servers.find((s) => s.id === which)!);
    main.on('servers.test', () => ({ version: '0.30.5', license: license('valid', 100) }));
    wrapper = mountWith(ServerDialog, pinia, { props: { serverId: id } });
    await settle();
    // Plain http with stored credentials: said where it is decided.
    expect(wrapper.text()).toContain('travel unencrypted');
    expect(wrapper.text()).not.toContain('Keep the stored credentials');
    await wrapper.findAll('input')[1]!.setValue('http://10.0.0.10');
    await settle();
    expect(wrapper.text()).toContain('Keep the stored credentials for http://10.0.0.10 (they were entered for http://10.0.0.9)');
    const test = () => wrapper!.findAll('button').find((b) => b.text().includes('Test connection'))!.trigger('click');
    await test();
    await settle();
    // Not ticked: the test asks the main process without the keep flag, so no stored password goes there.
    expect(main.callsTo('servers.test').at(-1)).toEqual({ url: 'http://10.0.0.10', tlsFingerprint: null, id });
    const keep = wrapper.findAll('input[type=checkbox]').find((c) => c.element.parentElement?.textContent?.includes('Keep the stored'))!;
    await keep.setValue(true);
    await test();
    await settle();
    expect(main.callsTo('servers.test').at(-1)).toEqual({ url: 'http://10.0.0.10', tlsFingerprint: null, id, keepCredentials: true });
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(main.callsTo('servers.update').at(-1)).toMatchObject({ id, keepCredentials: true, changes: { url: 'http://10.0.0.10' } });
  });
});
