import { describe, expect, it } from 'vitest';
import { useDiscoveryStore } from '../../renderer/stores/discovery';
import { startApp } from '../../renderer/startup';
import type { FoundServer } from '../../electron/common/discovery';
import { setup } from './setup';

const found = (host: string, over: Partial<FoundServer> = {}): FoundServer => ({
  url: `http://${host}:80`,
  host,
  port: 80,
  version: '0.30.5',
  auth: 'none',
  ready: true,
  registered: false,
  name: null,
  ...over,
});
const counts = (probed: number, foundCount: number, total = 254) => ({ total, probed, found: foundCount });

describe('discovery store', () => {
  it('streams found servers in address order, ignores other scans, and ends with the full result', async () => {
    const { main } = await setup();
    const stop = startApp(null).stop;
    const discovery = useDiscoveryStore();
    main.on('discovery.start', () => ({ operationId: 'scan-1', counts: counts(0, 0) }));
    await discovery.start(['127.0.4.0/24'], '80');
    expect(main.callsTo('discovery.start')).toEqual([{ targets: ['127.0.4.0/24'], ports: '80' }]);

    main.emit('discovery.progress', { operationId: 'scan-1', counts: counts(20, 1), found: [found('127.0.4.20')] });
    main.emit('discovery.progress', { operationId: 'scan-1', counts: counts(40, 2), found: [found('127.0.4.9', { auth: 'required', version: null })] });
    main.emit('discovery.progress', { operationId: 'scan-other', counts: counts(1, 1), found: [found('127.9.9.9')] });
    expect(discovery.found.map((f) => f.host)).toEqual(['127.0.4.9', '127.0.4.20']); // numeric order, not text
    expect(discovery.running?.counts).toEqual(counts(40, 2));

    main.emit('discovery.done', { operationId: 'scan-1', cancelled: false, counts: counts(254, 2), found: [found('127.0.4.9'), found('127.0.4.20')] });
    expect(discovery.running).toBeNull();
    expect(discovery.last).toMatchObject({ cancelled: false, counts: counts(254, 2) });
    stop();
  });

  it('keeps events that overtake the scan id, and a cancel asked for meanwhile is sent once the id is known', async () => {
    const { main } = await setup();
    const stop = startApp(null).stop;
    const discovery = useDiscoveryStore();
    let release!: () => void;
    main.on('discovery.start', async () => {
      main.emit('discovery.progress', { operationId: 'scan-2', counts: counts(5, 1), found: [found('127.0.4.5')] });
      await new Promise<void>((resolve) => (release = resolve));
      return { operationId: 'scan-2', counts: counts(0, 0) };
    });
    const starting = discovery.start(['127.0.4.0/24'], '80', 0.5);
    await discovery.cancel(); // before the main process has named the scan
    expect(main.callsTo('fleet.cancel')).toEqual([]);
    release();
    await starting;
    expect(discovery.found.map((f) => f.host)).toEqual(['127.0.4.5']);
    expect(main.callsTo('discovery.start')).toEqual([{ targets: ['127.0.4.0/24'], ports: '80', timeoutSeconds: 0.5 }]);
    expect(main.callsTo('fleet.cancel')).toEqual([{ operationId: 'scan-2' }]);
    expect(discovery.running?.cancelling).toBe(true);
    stop();
  });

  it('marks the servers it added as registered under their new names', async () => {
    const { main } = await setup();
    const discovery = useDiscoveryStore();
    main.on('discovery.start', () => ({ operationId: 'scan-3', counts: counts(0, 0, 2) }));
    const stop = startApp(null).stop;
    await discovery.start(['127.0.4.1-2'], '80');
    main.emit('discovery.done', { operationId: 'scan-3', cancelled: false, counts: counts(2, 2, 2), found: [found('127.0.4.1'), found('127.0.4.2')] });
    main.on('discovery.add', () => [
      { url: 'http://127.0.4.1:80', name: '127.0.4.1', serverId: 's1', outcome: 'added', credentialsAccepted: null, error: null },
      { url: 'http://127.0.4.2:80', name: null, serverId: null, outcome: 'failed', credentialsAccepted: null, error: { kind: 'DiskFull', message: 'Disk full.' } },
    ]);
    await discovery.add(['http://127.0.4.1:80', 'http://127.0.4.2:80'], 'north', null);
    expect(main.callsTo('discovery.add')).toEqual([{ urls: ['http://127.0.4.1:80', 'http://127.0.4.2:80'], site: 'north', credentials: null }]);
    expect(discovery.found.map((f) => [f.host, f.registered, f.name])).toEqual([
      ['127.0.4.1', true, '127.0.4.1'],
      ['127.0.4.2', false, null],
    ]);
    stop();
  });
});
