import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, PACKAGE_DIR, runNode } from './helpers/index.js';

const README = join(PACKAGE_DIR, '../../README.md');

/** The block the README shows as the command's whole output. */
function readmeOutput(): string {
  const text = readFileSync(README, 'utf8');
  const match = /<!-- demo:bound output -->\n```text\n([\s\S]*?)\n```\n<!-- \/demo:bound output -->/.exec(
    text,
  );
  if (!match?.[1]) throw new Error('the README has no demo:bound output block');
  return match[1];
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'authorizer-demo-bound-test-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the bound-token demo (demo:bound), as the README shows it', () => {
  it('prints exactly the README block: DPoP, mTLS-bound and opaque tokens allowed, their copies refused', async () => {
    const run = await runNode(['scripts/demo-bound.mjs'], { cwd: PACKAGE_DIR, env: cleanEnv({}) });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(readmeOutput().trim());
    for (const reason of ['DPOP_REPLAYED', 'TOKEN_BOUND', 'CERTIFICATE_MISMATCH', 'TOKEN_INACTIVE']) {
      expect(run.stdout).toContain(`reason ${reason})`);
    }
    // No token or proof is printed: a JWT starts with the base64url of '{"'.
    expect(run.stdout).not.toContain('eyJ');
    expect(run.stdout).not.toContain('local-demo-secret');
  });

  it('exits non-zero when the authorizer lets a copy through', async () => {
    const wrong = join(work, 'allow-everything.mjs');
    writeFileSync(wrong, 'export const handler = async () => ({ isAuthorized: true, context: {} });\n');
    const run = await runNode(['scripts/demo-bound.mjs'], {
      cwd: PACKAGE_DIR,
      env: cleanEnv({ DEMO_HANDLER: wrong }),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('answer     200 (isAuthorized: true), expected 403');
    expect(run.stdout).toContain('Demo FAILED: 4 unexpected outcome(s)');
  });
});
