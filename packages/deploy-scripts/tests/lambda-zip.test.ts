import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeCodeSha256, readLambdaZip } from '../src/lambda-zip.js';
import { makeTempDir } from './helpers/harness.js';

describe('readLambdaZip', () => {
  it('hashes the zip the way Lambda reports CodeSha256 (base64 SHA-256)', () => {
    const dir = makeTempDir({ 'a.zip': 'PK fake' });
    const zip = readLambdaZip(join(dir, 'a.zip'));
    expect(zip.sha256).toBe(createHash('sha256').update('PK fake').digest('base64'));
    expect(zip.sha256).toBe(computeCodeSha256(new TextEncoder().encode('PK fake')));
  });

  it('names the bundle command when the zip is missing', () => {
    expect(() => readLambdaZip('/nonexistent/custom-authorizer.zip')).toThrow(
      expect.objectContaining({
        code: 'ZIP_NOT_FOUND',
        message:
          'No zip at /nonexistent/custom-authorizer.zip: build it with `pnpm --filter @jwt-authorizer/lambda-authorizer run bundle` or pass --zip PATH',
      }),
    );
  });
});
