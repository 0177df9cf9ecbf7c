/**
 * The renderer's one door to the main process: `window.bf` with every Result unwrapped, so
 * components and stores await plain values and catch an ApiError carrying the kind and the
 * main process's message (which already says what to do).
 */
import type { Bridge, CommandChannel, Input, Output, Result } from '../electron/ipc/contract';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

type Domain = CommandChannel extends `${infer D}.${string}` ? D : never;
type Unwrapped<C extends CommandChannel> = Input<C> extends void ? () => Promise<Output<C>> : (input: Input<C>) => Promise<Output<C>>;

/** `api().servers.add(input)` resolves to the new Server or throws ApiError. */
export type Api = {
  [D in Domain]: { [C in CommandChannel as C extends `${D}.${infer Action}` ? Action : never]: Unwrapped<C> };
} & { on: Bridge['on'] };

function unwrap<T>(result: Result<T>): T {
  if (result.ok) return result.value;
  throw new ApiError(result.error.kind, result.error.message);
}

/** Wraps every function of a bridge; also turns a failed transport into an ApiError. */
export function createApi(bridge: Bridge): Api {
  const api: Record<string, unknown> = { on: bridge.on.bind(bridge) };
  for (const [domain, actions] of Object.entries(bridge)) {
    if (domain === 'on' || typeof actions !== 'object' || actions === null) continue;
    const wrapped: Record<string, (input?: unknown) => Promise<unknown>> = {};
    for (const [action, fn] of Object.entries(actions as Record<string, (input?: unknown) => Promise<Result<unknown>>>)) {
      wrapped[action] = async (input?: unknown) => {
        let result: Result<unknown>;
        try {
          result = await fn(input);
        } catch (err) {
          throw new ApiError('IpcError', `The app's main process did not answer (${err instanceof Error ? err.message : String(err)}). Restart the app.`);
        }
        return unwrap(result);
      };
    }
    api[domain] = wrapped;
  }
  return api as Api;
}

let cached: { bridge: Bridge; api: Api } | null = null;

/** The unwrapped bridge of this window (re-created if `window.bf` was replaced, as tests do). */
export function api(): Api {
  const bridge = window.bf;
  if (!bridge) throw new ApiError('NoBridge', 'This page runs outside the app: there is no bridge to the main process.');
  if (cached?.bridge !== bridge) cached = { bridge, api: createApi(bridge) };
  return cached.api;
}

/** A caught value as {kind, message}, for showing where the action happened. */
export function errorInfo(err: unknown): { kind: string; message: string } {
  if (err instanceof ApiError) return { kind: err.kind, message: err.message };
  return { kind: 'UnknownError', message: err instanceof Error ? err.message : String(err) };
}
