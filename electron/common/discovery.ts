/**
 * Finding BrainFrame servers on a network: the targets and ports as network people write them
 * (addresses, ranges, CIDR blocks, host names; `80,8080,20000-20009`), their limits, and what a
 * probe found. Runtime-free: the command line and the app's "Find servers" dialog validate the
 * same input with the same messages.
 */
import { AppError, type ErrorInfo } from './errors';
import { nameKey } from './text';

/** More addresses than this in one scan is refused (a /16). */
export const MAX_DISCOVERY_ADDRESSES = 65_536;
/** More ports than this in one scan is refused. */
const MAX_DISCOVERY_PORTS = 64;
/** BrainFrame's API listens on port 80 unless its SERVER_PORT changes it. */
export const DEFAULT_DISCOVERY_PORTS = [80] as const;
export const DEFAULT_DISCOVERY_TIMEOUT_MS = 2_000;
export const DEFAULT_DISCOVERY_CONCURRENCY = 64;
export const DISCOVERY_BOUNDS = { concurrency: { min: 1, max: 256 }, timeoutSeconds: { min: 0.1, max: 60 } } as const;

/** What a probe of `GET /api/version` found at one address and port. */
export interface FoundServer {
  /** `http://HOST:PORT`, the port always written. */
  url: string;
  host: string;
  port: number;
  /** Null where the server would not say (login required, still starting). */
  version: string | null;
  /** `none`: anyone on the network is admin there. */
  auth: 'none' | 'required' | 'unknown';
  /** False while its proxy answers 502. */
  ready: boolean;
  /** Whether the registry already holds this address, and under which name. */
  registered: boolean;
  name: string | null;
}

/** What became of one found address when adding what a scan found. */
export interface AddFoundResult {
  url: string;
  /** The name it was registered under, or that of the server already registered there. */
  name: string | null;
  serverId: string | null;
  outcome: 'added' | 'registered' | 'failed';
  /** With credentials: whether the server took them (null when not tested, or it did not answer). */
  credentialsAccepted: boolean | null;
  /** Why it failed, or why the credentials test did. */
  error: ErrorInfo | null;
}

export interface DiscoveryCounts {
  total: number;
  probed: number;
  found: number;
}

const invalid = (message: string) => new AppError('InvalidInput', message);

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** The address as a 32-bit number, or null when it is not a dotted IPv4 address. */
function ipv4ToNumber(text: string): number | null {
  const m = IPV4.exec(text);
  if (!m) return null;
  return ((Number(m[1]) << 24) >>> 0) + (Number(m[2]) << 16) + (Number(m[3]) << 8) + Number(m[4]);
}

function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function address(text: string, target: string): number {
  const n = ipv4ToNumber(text);
  if (n === null) throw invalid(`"${target}" is not an IPv4 address, range or block: write 10.0.4.17, 10.0.4.1-60, 10.0.4.1-10.0.4.60 or 10.0.4.0/24.`);
  return n;
}

/** One target as an inclusive span of addresses, or a host name. */
type Span = { from: number; to: number } | { host: string };

function span(raw: string): Span {
  const target = raw.trim();
  const shown = target.slice(0, 100);
  if (!target) throw invalid('A target is empty: give an address, a range, a CIDR block or a host name.');
  if (target.includes(':')) {
    throw invalid(`"${shown}": give the address alone (IPv4 only) and the ports with --ports, such as 10.0.4.17 with --ports 80,8080.`);
  }
  const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(target);
  if (cidr) {
    const bits = Number(cidr[2]);
    if (bits > 32) throw invalid(`"${shown}": a CIDR prefix is 0 to 32 bits, such as 10.0.4.0/24.`);
    const base = address(cidr[1]!, shown);
    const size = 2 ** (32 - bits);
    const network = bits === 0 ? 0 : (base & (~(size - 1) >>> 0)) >>> 0;
    // A block's network and broadcast addresses are no host's: a /24 has 254 hosts (/31 and /32 have no such pair).
    return bits <= 30 ? { from: network + 1, to: network + size - 2 } : { from: network, to: network + size - 1 };
  }
  const range = /^([\d.]+)-([\d.]+)$/.exec(target);
  if (range) {
    const from = address(range[1]!, shown);
    const end = range[2]!;
    let to: number;
    if (/^\d{1,3}$/.test(end)) {
      if (Number(end) > 255) throw invalid(`"${shown}": the range's end ${end} is not 0-255.`);
      to = (from & 0xffffff00) + Number(end);
    } else to = address(end, shown);
    if (to < from) throw invalid(`"${shown}": the range ends before it starts. Write the lower address first, such as 10.0.4.1-60.`);
    return { from, to };
  }
  if (/^[\d.]+$/.test(target)) {
    const n = address(target, shown);
    return { from: n, to: n };
  }
  const host = target.toLowerCase().replace(/\.$/, '');
  if (host.length > 253 || !host.split('.').every((label) => HOST_LABEL.test(label)) || /^\d+$/.test(host.split('.').pop()!)) {
    throw invalid(`"${shown}" is not a host name, IPv4 address, range or CIDR block. Write cam-17.site.example, 10.0.4.17, 10.0.4.1-60 or 10.0.4.0/24.`);
  }
  return { host };
}

/**
 * The addresses to probe, each once, in address order (host names after, as given). More than
 * MAX_DISCOVERY_ADDRESSES is refused with how to narrow the scan.
 */
export function parseTargets(targets: readonly string[]): string[] {
  const words = targets.flatMap((t) => t.split(/[\s,]+/)).filter(Boolean);
  if (words.length === 0) throw invalid('Give at least one target: an address, a range, a CIDR block or a host name, such as 10.0.4.0/24.');
  const spans = words.map(span);
  const tooMany = () =>
    invalid(
      `That is more than ${MAX_DISCOVERY_ADDRESSES.toLocaleString('en')} addresses in all. Narrow the scan: a smaller block (10.0.4.0/24 rather than 10.0.0.0/8), a shorter range, or fewer targets per run.`,
    );
  let count = 0;
  for (const s of spans) {
    count += 'host' in s ? 1 : s.to - s.from + 1;
    if (count > MAX_DISCOVERY_ADDRESSES * 2) throw tooMany(); // before any set is built for a /8
  }
  const numbers = new Set<number>();
  const hosts = new Set<string>();
  for (const s of spans) {
    if ('host' in s) hosts.add(s.host);
    else for (let n = s.from; n <= s.to; n++) numbers.add(n);
  }
  if (numbers.size + hosts.size > MAX_DISCOVERY_ADDRESSES) throw tooMany();
  return [...[...numbers].sort((a, b) => a - b).map(numberToIpv4), ...hosts];
}

/** Ports as a list and ranges, `80,8080,20000-20009`: each once, ascending. */
export function parsePorts(text: string): number[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.every((p) => !p)) throw invalid('Give at least one port, such as 80 or 80,8080,20000-20009.');
  const ports = new Set<number>();
  for (const part of parts) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part);
    const from = Number(m?.[1]);
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!m || from < 1 || to > 65_535 || from > 65_535) {
      throw invalid(`"${part.slice(0, 50)}" is not a port or port range: ports are 1-65535, written 80,8080,20000-20009.`);
    }
    if (to < from) throw invalid(`"${part}": the port range ends before it starts.`);
    if (to - from + 1 > MAX_DISCOVERY_PORTS) throw invalid(`"${part}" is more than ${MAX_DISCOVERY_PORTS} ports: BrainFrame listens on one, usually 80. List the likely ones.`);
    for (let p = from; p <= to; p++) ports.add(p);
  }
  if (ports.size > MAX_DISCOVERY_PORTS) throw invalid(`That is more than ${MAX_DISCOVERY_PORTS} ports: BrainFrame listens on one, usually 80. List the likely ones.`);
  return [...ports].sort((a, b) => a - b);
}

/** `http://HOST:PORT` as the scan reports it, the port always written. */
export function discoveryUrl(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/** Address order (numerically for IPv4, host names after), then port. */
export function compareFound(a: Pick<FoundServer, 'host' | 'port'>, b: Pick<FoundServer, 'host' | 'port'>): number {
  const an = ipv4ToNumber(a.host);
  const bn = ipv4ToNumber(b.host);
  if (an !== null && bn !== null && an !== bn) return an - bn;
  if ((an === null) !== (bn === null)) return an === null ? 1 : -1;
  if (an === null && a.host !== b.host) return a.host < b.host ? -1 : 1;
  return a.port - b.port;
}

/**
 * The name a found server is registered under: `HOST`, or `HOST-PORT` off port 80, with `-2`,
 * `-3`, … when another server has it already. `taken` holds nameKey()s of the names in use.
 */
export function discoveredName(host: string, port: number, taken: ReadonlySet<string>): string {
  const base = port === 80 ? host : `${host}-${port}`;
  let name = base;
  for (let i = 2; taken.has(nameKey(name)); i++) name = `${base}-${i}`;
  return name;
}
