import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real self-signed client certificate, made by the openssl command. */
export interface ClientCertificate {
  readonly pem: string;
  /** base64url(SHA-256(DER)), computed from the DER openssl wrote, not from the PEM parser under test. */
  readonly thumbprint: string;
}

export function createClientCertificate(commonName = 'client'): ClientCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'client-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const der = join(dir, 'cert.der');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${commonName}`,
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    execFileSync('openssl', ['x509', '-in', cert, '-outform', 'DER', '-out', der], { stdio: 'ignore' });
    const pem = readFileSync(cert, 'utf8');
    const thumbprint = createHash('sha256').update(readFileSync(der)).digest('base64url');
    // Sanity: the file is one certificate Node can read.
    new X509Certificate(pem);
    return { pem, thumbprint };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
