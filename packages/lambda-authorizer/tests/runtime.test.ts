import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The handler runs on Lambda's nodejs24.x and nodejs22.x, and the tests run on the same majors:
// `pnpm install` links Node.js 24 from the npm registry into the workspace's node_modules/.bin,
// where every script, turbo task and vitest worker finds it before the system's node. CI runs the
// tests once with it and once with Node.js 22 linked there, and names the major in CI_NODE_MAJOR.
const major = Number(process.versions.node.split('.')[0]);
const linkedNode = resolve(import.meta.dirname, '../../../node_modules/.bin/node');
const running = `running on Node.js ${process.versions.node} (${process.execPath})`;

describe('the Node.js that runs the tests', () => {
  it('is Node.js 22 or newer', () => {
    expect(major, running).toBeGreaterThanOrEqual(22);
  });

  it.skipIf(!existsSync(linkedNode))('is the one linked in node_modules/.bin, not the system node', () => {
    expect(realpathSync(process.execPath), running).toBe(realpathSync(linkedNode));
  });

  it.runIf(process.env.CI_NODE_MAJOR !== undefined)('is the major CI asked for (CI_NODE_MAJOR)', () => {
    expect(String(major), running).toBe(process.env.CI_NODE_MAJOR);
  });
});
