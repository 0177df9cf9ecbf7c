import { describe, expect, it } from 'vitest';
import { compareFound, discoveredName, MAX_DISCOVERY_ADDRESSES, parsePorts, parseTargets } from '../../electron/common/discovery';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as { kind: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('parseTargets', () => {
  it('takes an address, a short range, a full range and a CIDR block as network people write them', () => {
    expect(parseTargets(['127.0.4.17'])).toEqual(['127.0.4.17']);
    expect(parseTargets(['127.0.4.1-3'])).toEqual(['127.0.4.1', '127.0.4.2', '127.0.4.3']);
    expect(parseTargets(['127.0.4.254-127.0.5.1'])).toEqual(['127.0.4.254', '127.0.4.255', '127.0.5.0', '127.0.5.1']);
    const block = parseTargets(['127.0.4.0/24']);
    expect(block).toHaveLength(254); // network and broadcast addresses are no host's
    expect(block[0]).toBe('127.0.4.1');
    expect(block.at(-1)).toBe('127.0.4.254');
    expect(parseTargets(['127.0.4.9/30'])).toEqual(['127.0.4.9', '127.0.4.10']);
    expect(parseTargets(['127.0.4.9/32'])).toEqual(['127.0.4.9']);
    expect(parseTargets(['127.0.4.8/31'])).toEqual(['127.0.4.8', '127.0.4.9']);
  });

  it('scans each address once, in address order, host names after', () => {
    expect(parseTargets(['127.0.4.3', 'Cam-17.Site.example', '127.0.4.1-3', '127.0.4.2'])).toEqual(['127.0.4.1', '127.0.4.2', '127.0.4.3', 'cam-17.site.example']);
    expect(parseTargets(['127.0.4.1, 127.0.4.2 localhost'])).toEqual(['127.0.4.1', '127.0.4.2', 'localhost']);
  });

  it('takes a /16 and refuses one address more, saying how to narrow the scan', () => {
    expect(parseTargets(['127.1.0.0/16'])).toHaveLength(65_534);
    expect(parseTargets(['127.1.0.0-127.1.255.255'])).toHaveLength(MAX_DISCOVERY_ADDRESSES);
    const error = refusal(() => parseTargets(['127.1.0.0-127.1.255.255', '127.2.0.1']));
    expect(error.kind).toBe('InvalidInput');
    expect(error.message).toMatch(/more than 65,536 addresses.*Narrow the scan: a smaller block/);
    expect(refusal(() => parseTargets(['127.0.0.0/8'])).message).toMatch(/more than 65,536/);
    expect(refusal(() => parseTargets(['0.0.0.0/0'])).message).toMatch(/more than 65,536/);
  });

  it.each([
    ['', /at least one target/],
    ['127.0.4.256', /not an IPv4 address, range or block/],
    ['127.0.4', /not an IPv4 address/],
    ['127.0.4.60-1', /ends before it starts/],
    ['127.0.4.1-300', /end 300 is not 0-255/],
    ['127.0.4.9-127.0.4.1', /ends before it starts/],
    ['127.0.4.0/33', /prefix is 0 to 32 bits/],
    ['127.0.4.0/24/8', /not a host name/],
    ['127.0.4.17:8080', /ports with --ports/],
    ['fe80::1', /IPv4 only/],
    ['http://127.0.4.17', /ports with --ports/],
    ['bad_host!', /not a host name, IPv4 address, range or CIDR block/],
    ['-lead.example', /not a host name/],
  ])('refuses %j with a message that says what to write', (target, message) => {
    const error = refusal(() => parseTargets([target]));
    expect(error.kind).toBe('InvalidInput');
    expect(error.message).toMatch(message);
  });
});

describe('parsePorts', () => {
  it('takes a list and ranges, each port once, ascending', () => {
    expect(parsePorts('80')).toEqual([80]);
    expect(parsePorts('8080, 80,20000-20003,80')).toEqual([80, 8080, 20000, 20001, 20002, 20003]);
  });

  it.each([
    ['', /at least one port/],
    ['0', /ports are 1-65535/],
    ['65536', /ports are 1-65535/],
    ['http', /not a port or port range/],
    ['90-80', /ends before it starts/],
    ['1-1000', /more than 64 ports/],
    ['1-40,100-140', /more than 64 ports/],
  ])('refuses %j', (text, message) => {
    const error = refusal(() => parsePorts(text));
    expect(error.kind).toBe('InvalidInput');
    expect(error.message).toMatch(message);
  });
});

describe('found servers', () => {
  it('sort by address numerically, then port, host names last', () => {
    const found = [
      { host: 'b.example', port: 80 },
      { host: '127.0.4.10', port: 80 },
      { host: '127.0.4.9', port: 8080 },
      { host: 'a.example', port: 80 },
      { host: '127.0.4.9', port: 80 },
    ].sort(compareFound);
    expect(found.map((f) => `${f.host}:${f.port}`)).toEqual(['127.0.4.9:80', '127.0.4.9:8080', '127.0.4.10:80', 'a.example:80', 'b.example:80']);
  });

  it('are named HOST, or HOST-PORT off port 80, made unique ignoring case', () => {
    expect(discoveredName('127.0.4.9', 80, new Set())).toBe('127.0.4.9');
    expect(discoveredName('127.0.4.9', 8080, new Set())).toBe('127.0.4.9-8080');
    expect(discoveredName('cam', 80, new Set(['cam', 'cam-2']))).toBe('cam-3');
  });
});
