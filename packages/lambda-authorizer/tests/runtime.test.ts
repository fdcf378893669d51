import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The handler runs on Lambda's nodejs24.x and nodejs22.x, and the tests run on the same majors:
// `pnpm install` links Node.js 24 from the npm registry into the workspace's node_modules/.bin,
// where every script, turbo task and vitest worker finds it before the system's node. CI runs the
// tests once with it and once with Node.js 22 linked there, and names the major in CI_NODE_MAJOR.
const major = Number(process.versions.node.split('.')[0]);
const repoRoot = resolve(import.meta.dirname, '../../..');
const linkedNode = join(repoRoot, 'node_modules/.bin/node');
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

describe('the pinned Node.js', () => {
  it('is one version 24: the node-linux-* packages and the engine check (nodeVersion) agree', () => {
    const { optionalDependencies = {} } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const pinned = Object.entries<string>(optionalDependencies)
      .filter(([name]) => name.startsWith('node-linux-'))
      .map(([, version]) => version);
    const workspace = readFileSync(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8');
    const nodeVersion = /^nodeVersion:\s*(\S+)\s*$/m.exec(workspace)?.[1];
    expect(pinned.length).toBeGreaterThan(0);
    expect(new Set(pinned)).toEqual(new Set([nodeVersion]));
    expect(nodeVersion?.split('.')[0]).toBe('24');
    expect(workspace).toMatch(/^engineStrict: true$/m);
  });
});
