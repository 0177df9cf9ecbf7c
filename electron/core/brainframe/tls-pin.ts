import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { BrainFrameError } from '../../common/errors';
import { excerpt } from '../../common/text';

type SocketCallback = (err: Error | null, socket: Duplex) => void;

/**
 * Hands a TLS socket to the HTTP request only once the certificate has been judged, so no
 * request byte (credentials included) is written to a server that fails the check.
 * With a pin, the certificate must have that SHA-256 fingerprint (self-signed is fine);
 * without one, the normal chain and host-name verification must pass. The error names the
 * certificate's fingerprint so the user can compare it with the server's and pin it.
 *
 * One agent per request, given the request's `signal`: until the handshake ends the request does
 * not hold the socket, so its abort (deadline or cancel) would not close it, and a server that
 * never finishes the handshake would keep one descriptor per request open for good. The agent
 * destroys such a socket itself when the signal aborts.
 */
export class VerifyingHttpsAgent extends https.Agent {
  constructor(
    private readonly pin: string | null,
    private readonly signal?: AbortSignal,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(options: https.RequestOptions, callback?: SocketCallback): Duplex | null | undefined {
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    const abandon = () => settle(new Error('the request ended during the TLS handshake'));
    let settled = false;
    const settle = (err: Error | null) => {
      if (settled) return;
      settled = true;
      this.signal?.removeEventListener('abort', abandon);
      if (err) socket.destroy();
      callback?.(err, socket);
    };
    socket.once('secureConnect', () => settle(this.judge(socket)));
    socket.once('error', (err) => settle(err));
    socket.once('close', () => settle(new Error('connection closed during the TLS handshake')));
    if (this.signal?.aborted) abandon();
    else this.signal?.addEventListener('abort', abandon, { once: true });
    return undefined;
  }

  private judge(socket: tls.TLSSocket): Error | null {
    const fingerprint = socket.getPeerCertificate()?.fingerprint256 ?? '';
    if (this.pin) {
      return fingerprint === this.pin
        ? null
        : BrainFrameError.of('TlsError', `the certificate's fingerprint ${fingerprint || '(none)'} does not match the pinned ${this.pin}`);
    }
    if (socket.authorized) return null;
    // The verdict can quote the certificate's names, which the server chose: printable text only.
    return BrainFrameError.of('TlsError', `${excerpt(String(socket.authorizationError), 300)}; its SHA-256 fingerprint is ${fingerprint}`);
  }
}
