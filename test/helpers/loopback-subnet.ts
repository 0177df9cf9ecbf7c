/**
 * A scanned "subnet" on loopback for discovery tests and benchmarks: Linux routes all of
 * 127.0.0.0/8 to the loopback interface, so servers on 127.A.B.1, 127.A.B.2, … at one port stand
 * for appliances on a site network. Nothing here ever listens on, or points a scan at, anything
 * but 127.0.0.0/8.
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';

/** A /24 of loopback addresses no other test file is likely to use at the same moment: `127.A.B`. */
export function loopbackPrefix(): string {
  return `127.${100 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}`;
}

/** A port free on the first address of the prefix (and, in practice, on the others too). */
export async function freePort(prefix: string): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, `${prefix}.1`, resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

export interface PlainServer {
  url: string;
  /** The headers of every request received. */
  requests: IncomingHttpHeaders[];
  close(): Promise<void>;
}

/** A web server that is not BrainFrame, answering every request with `answer`. */
export async function plainServer(host: string, port: number, answer: (res: ServerResponse) => void): Promise<PlainServer> {
  const requests: IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.headers);
    answer(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
