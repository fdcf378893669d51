import { createClientCertificate } from '@jwt-authorizer/test-fixtures';
import { describe, expect, it } from 'vitest';
import { assertCertificateBinding, computeCertificateThumbprint } from '../src/certificate-binding.js';

const client = createClientCertificate('client');
const stranger = createClientCertificate('stranger');

function codeOf(run: () => void): string {
  try {
    run();
  } catch (err) {
    return (err as { code: string }).code;
  }
  return 'VERIFIED';
}

describe('certificate-bound tokens (RFC 8705)', () => {
  it('computes x5t#S256 as base64url SHA-256 of the DER openssl wrote', () => {
    expect(computeCertificateThumbprint(client.pem)).toBe(client.thumbprint);
  });

  it('accepts the certificate the token is bound to', () => {
    expect(codeOf(() => assertCertificateBinding(client.thumbprint, client.pem))).toBe('VERIFIED');
  });

  it.each([
    ['another certificate', () => stranger.pem],
    ['no certificate', () => undefined],
    ['an empty certificate', () => ''],
    [
      'a PEM that is not a certificate',
      () => '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ],
    ['a certificate padded past 16 KiB', () => `${client.pem}${' '.repeat(17_000)}`],
  ])('refuses %s with CERTIFICATE_MISMATCH', (_name, pem) => {
    expect(codeOf(() => assertCertificateBinding(client.thumbprint, pem()))).toBe('CERTIFICATE_MISMATCH');
  });
});
