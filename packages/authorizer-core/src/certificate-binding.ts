import { createHash, X509Certificate } from 'node:crypto';
import { TokenError } from './errors.js';

/** Longest client certificate PEM accepted, in bytes. */
export const MAX_CLIENT_CERT_PEM_BYTES = 16 * 1024;

/**
 * base64url(SHA-256(DER)) of a PEM certificate: RFC 8705's `x5t#S256`. Undefined when the text is
 * not one parseable certificate.
 *
 * @example
 * computeCertificateThumbprint(event.requestContext.identity.clientCert.clientCertPem)
 */
export function computeCertificateThumbprint(pem: string): string | undefined {
  if (typeof pem !== 'string' || pem.length > MAX_CLIENT_CERT_PEM_BYTES) return undefined;
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
  } catch {
    return undefined;
  }
}

/**
 * Checks a certificate-bound token (RFC 8705 §3): the thumbprint of the client certificate of the
 * mutual-TLS connection must equal the token's `cnf["x5t#S256"]`.
 *
 * @throws {TokenError} `CERTIFICATE_MISMATCH` when no certificate came with the request, it cannot
 *   be parsed, or its thumbprint differs.
 * @example
 * assertCertificateBinding(claims.cnf['x5t#S256'], clientCertPem);
 */
export function assertCertificateBinding(expected: string, clientCertPem: string | undefined): void {
  if (clientCertPem === undefined || clientCertPem === '') {
    throw new TokenError(
      'CERTIFICATE_MISMATCH',
      'The token is bound to a client certificate and the request came without one (mutual TLS)',
    );
  }
  const thumbprint = computeCertificateThumbprint(clientCertPem);
  if (thumbprint === undefined) {
    throw new TokenError('CERTIFICATE_MISMATCH', 'The client certificate cannot be parsed');
  }
  if (thumbprint !== expected) {
    throw new TokenError('CERTIFICATE_MISMATCH', 'The token is bound to another client certificate');
  }
}
