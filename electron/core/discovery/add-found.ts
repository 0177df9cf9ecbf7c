import { classifyError, toErrorInfo } from '../../common/errors';
import { discoveredName, type AddFoundResult } from '../../common/discovery';
import { normaliseServerUrl } from '../../common/server-url';
import { nameKey } from '../../common/text';
import type { Credentials, Server, ServerInput } from '../../common/types';
import { runPooled } from '../fleet/pool';

export interface AddFoundDeps {
  registry: { list(): Server[]; add(input: ServerInput): Promise<Server> };
  /** Tries the server's stored credentials at its address. */
  testConnection(probe: { url: string; serverId: string }): Promise<unknown>;
}

/** How many new servers are tested at once. */
const TEST_CONCURRENCY = 16;

/**
 * Registers the found addresses the registry does not hold yet, named `HOST` or `HOST-PORT` (off
 * port 80) and made unique, in `site`, with the same credentials for all. With credentials, each
 * new server is then tested: one that refuses them stays added and says so. Addresses already
 * registered are reported with their name and left alone.
 */
export async function addFound(
  deps: AddFoundDeps,
  urls: readonly string[],
  { site = '', credentials = null }: { site?: string; credentials?: Credentials | null },
): Promise<AddFoundResult[]> {
  const results: AddFoundResult[] = [];
  const added: AddFoundResult[] = [];
  for (const raw of urls) {
    let url = raw;
    try {
      url = normaliseServerUrl(raw);
      const servers = deps.registry.list();
      const existing = servers.find((s) => s.url === url);
      if (existing) {
        results.push({ url: raw, name: existing.name, serverId: existing.id, outcome: 'registered', credentialsAccepted: null, error: null });
        continue;
      }
      const { hostname, port } = new URL(url);
      const name = discoveredName(hostname, port ? Number(port) : 80, new Set(servers.map((s) => nameKey(s.name))));
      const server = await deps.registry.add({ name, url, site, credentials });
      const result: AddFoundResult = { url: raw, name: server.name, serverId: server.id, outcome: 'added', credentialsAccepted: null, error: null };
      results.push(result);
      added.push(result);
    } catch (err) {
      results.push({ url: raw, name: null, serverId: null, outcome: 'failed', credentialsAccepted: null, error: toErrorInfo(err) });
    }
  }
  if (credentials) {
    const signal = new AbortController().signal;
    await runPooled(added, { concurrency: TEST_CONCURRENCY, maxInFlight: TEST_CONCURRENCY, parkAfterMs: () => 60_000, signal }, async (result) => {
      try {
        await deps.testConnection({ url: result.url, serverId: result.serverId! });
        result.credentialsAccepted = true;
      } catch (err) {
        const error = toErrorInfo(err);
        // Only a refusal judges the credentials; a server that did not answer leaves them untested.
        result.credentialsAccepted = classifyError(error.kind) === 'auth' ? false : null;
        result.error = error;
      }
    });
  }
  return results;
}
