import { describe, expect, it } from 'vitest';
import { resolveInvocationDir } from '../src/invocation-dir.js';

describe('resolveInvocationDir', () => {
  const pkg = '/repo/packages/deploy-scripts';
  const asScript = { INIT_CWD: '/repo/bench', npm_package_json: `${pkg}/package.json` };

  it('is INIT_CWD when the process runs as the package script, in the package folder', () => {
    expect(resolveInvocationDir(asScript, pkg)).toBe('/repo/bench');
    expect(resolveInvocationDir(asScript, `${pkg}/`)).toBe('/repo/bench');
  });

  it('is the working directory otherwise', () => {
    expect(resolveInvocationDir(asScript, '/somewhere/else')).toBe('/somewhere/else');
    expect(resolveInvocationDir({ INIT_CWD: '/repo/bench' }, pkg)).toBe(pkg);
    expect(resolveInvocationDir({ npm_package_json: `${pkg}/package.json` }, pkg)).toBe(pkg);
    expect(resolveInvocationDir({ ...asScript, INIT_CWD: '' }, pkg)).toBe(pkg);
    expect(resolveInvocationDir({}, pkg)).toBe(pkg);
  });
});
