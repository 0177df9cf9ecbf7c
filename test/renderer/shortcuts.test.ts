/**
 * The window's shortcuts (renderer/shortcuts.ts) and its F6 regions (renderer/regions.ts) on the
 * real stores: which key runs what, and when a key is left alone (a dialog is open, the user is
 * typing, a control already handled it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { handleWindowKey, WINDOW_KEYS } from '../../renderer/shortcuts';
import { cycleRegion, focusIsLost } from '../../renderer/regions';
import { useSelectionStore } from '../../renderer/stores/selection';
import { useUiStore } from '../../renderer/stores/ui';
import { makeServer, type FakeMain } from './fake-bridge';
import { setup } from './setup';

afterEach(() => {
  document.body.replaceChildren();
});

function three(main: FakeMain): void {
  for (const name of ['a', 'b', 'c']) main.servers.push(makeServer({ name }));
}

/** Dispatches a keydown on `target` (bubbling, cancelable) and hands it to the window's handler. */
function press(key: string, target: HTMLElement = document.body, init: KeyboardEventInit = {}): { ran: boolean; event: KeyboardEvent } {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(event);
  return { ran: handleWindowKey(event), event };
}

function add<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, parent: HTMLElement = document.body): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  parent.append(el);
  return el;
}

describe('window shortcuts', () => {
  it('Delete asks to remove the selection, frozen; not while typing in a field or with a dialog open', async () => {
    const { main } = await setup(three);
    const ui = useUiStore();
    const selection = useSelectionStore();
    selection.set([main.servers[0]!.id, main.servers[2]!.id]);

    const search = add('input', { type: 'search' });
    expect(press('Delete', search).ran).toBe(false); // deletes text, as always
    expect(ui.dialog).toBeNull();

    const grid = add('div', { role: 'grid', tabindex: '0' });
    const { ran, event } = press('Delete', grid);
    expect(ran).toBe(true);
    expect(event.defaultPrevented).toBe(true);
    expect(ui.dialog).toEqual({ name: 'remove', serverIds: [main.servers[0]!.id, main.servers[2]!.id] });

    // The dialog is modal: no window shortcut runs under it.
    expect(press('?', grid).ran).toBe(false);
    expect(ui.dialog?.name).toBe('remove');
  });

  it('? and F1 open the help; Ctrl+Shift+K the apply preview for the selection; a key a control handled is left alone', async () => {
    const { main } = await setup(three);
    const ui = useUiStore();
    expect(press('?').ran).toBe(true);
    expect(ui.dialog).toEqual({ name: 'shortcuts' });
    ui.close();
    expect(press('F1').ran).toBe(true);
    ui.close();

    useSelectionStore().set([main.servers[1]!.id]);
    // Ctrl combinations type nothing: they work from the filter box too.
    expect(press('K', add('input', { type: 'text' }), { ctrlKey: true, shiftKey: true }).ran).toBe(true);
    expect(ui.dialog).toEqual({ name: 'apply', serverIds: [main.servers[1]!.id], keyId: undefined });
    ui.close();
    // Ctrl+Shift+F finds servers on the network; Ctrl+F alone goes to the filter, not there.
    expect(press('F', add('input', { type: 'text' }), { ctrlKey: true, shiftKey: true }).ran).toBe(true);
    expect(ui.dialog).toEqual({ name: 'find' });
    ui.close();
    press('f', undefined, { ctrlKey: true });
    expect(ui.dialog).toBeNull();

    const handled = new KeyboardEvent('keydown', { key: 'Delete', cancelable: true });
    handled.preventDefault();
    expect(handleWindowKey(handled)).toBe(false);
    expect(ui.dialog).toBeNull();
  });

  it('F5 refreshes every server, in one operation', async () => {
    const { main } = await setup(three);
    main.on('fleet.refresh', () => ({ operationId: 'op-1', counts: { total: 3, done: 0, ok: 0, failed: 0, running: 0 } }));
    expect(press('F5').ran).toBe(true);
    await expect.poll(() => main.callsTo('fleet.refresh')).toEqual([{ serverIds: main.servers.map((s) => s.id) }]);
  });

  it('lists every shortcut it handles in the help', () => {
    expect(WINDOW_KEYS.map((k) => k.keys)).toEqual(['Ctrl+F', 'Ctrl+Shift+F', 'F5', 'Shift+F5', 'Ctrl+Shift+K', 'Delete', 'Ctrl+Shift+A', 'F6', 'Shift+F6', '? or F1']);
  });
});

describe('regions', () => {
  it('F6 cycles the regions on screen in document order, Shift+F6 back; a region without an entry is skipped', async () => {
    await setup();
    const filter = add('div', { 'data-region': 'filter' });
    const search = add('input', { type: 'search', 'data-region-focus': '' }, filter);
    const grid = add('div', { 'data-region': 'grid', tabindex: '0' });
    const operation = add('section', { 'data-region': 'operation' });
    const cancel = add('button', { 'data-region-focus': '' }, operation);
    add('aside', { 'data-region': 'panel' }); // no entry point: skipped

    grid.focus();
    expect(press('F6', grid).ran).toBe(true);
    expect(document.activeElement).toBe(cancel);
    press('F6', cancel);
    expect(document.activeElement).toBe(search); // wraps around
    press('F6', search, { shiftKey: true });
    expect(document.activeElement).toBe(cancel);

    // A disabled Cancel (cancelling) is no entry point; focus on it counts as lost.
    (cancel as HTMLButtonElement).disabled = true;
    expect(focusIsLost()).toBe(true);
    grid.focus();
    cycleRegion(1);
    expect(document.activeElement).toBe(search);
  });
});
