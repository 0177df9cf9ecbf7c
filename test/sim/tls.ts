import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The fixture certificates in test/fixtures/tls (see its README). */
export type TestCertName = 'localhost' | 'other';

export interface TestCert {
  /** PEM certificate. */
  cert: string;
  /** PEM private key. */
  key: string;
  /** SHA-256 of the DER certificate, uppercase hex with colons, as X509Certificate.fingerprint256 gives. */
  fingerprint256: string;
}

const fixtureDir = new URL('../fixtures/tls/', import.meta.url);

export function loadTestCert(name: TestCertName): TestCert {
  const cert = readFileSync(new URL(`${name}-cert.pem`, fixtureDir), 'utf8');
  const key = readFileSync(new URL(`${name}-key.pem`, fixtureDir), 'utf8');
  return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256 };
}
