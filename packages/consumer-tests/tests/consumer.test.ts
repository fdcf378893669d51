// An outside team's view of the published packages: pack authorizer-core and middy-jwt, install the
// tarballs with npm into a fresh project outside the workspace, then type-check, bundle and run the
// TypeScript snippets of the READMEs there, against a local issuer.

import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createMinter,
  generateTestKey,
  httpApiEvent,
  type JwksServer,
  jwksOf,
  startJwksServer,
} from '@jwt-authorizer/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshEnv, type Run, run, runOk } from './helpers/consumer-project.js';
import { extractSnippets, type Snippet } from './helpers/snippets.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const PUBLISHED = ['authorizer-core', 'middy-jwt'] as const;
const README_FILES = ['README.md', 'packages/authorizer-core/README.md', 'packages/middy-jwt/README.md'];
/** What a consumer installs next to the tarballs, pinned so the test is reproducible. */
const REGISTRY_DEPENDENCIES: Readonly<Record<string, string>> = {
  '@middy/core': '7.9.2',
  '@middy/http-error-handler': '7.9.2',
  '@middy/http-router': '7.9.2',
  '@types/aws-lambda': '8.10.164',
  '@types/node': '24.19.4',
  esbuild: '0.28.2',
  typescript: '7.0.2',
};
const STRICT = {
  target: 'ES2022',
  lib: ['ES2023'],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  // @middy/core 7.9.2's own index.d.ts imports its optional peer @aws/durable-execution-sdk-js.
  skipLibCheck: true,
  // TypeScript 6 and later include no @types package unless listed.
  types: ['node'],
};
const AUDIENCE = 'https://api.example.com';
const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/pets';

interface CompiledSnippet extends Snippet {
  /** File name in the consumer project's `snippets/`, without `.ts`, e.g. `README-L120`. */
  readonly name: string;
  /** Exports `handler` and is not marked `no-run`. */
  readonly runnable: boolean;
}

/** The READMEs' TypeScript snippets, read when the test file loads so each gets its own test. */
const snippets: CompiledSnippet[] = README_FILES.flatMap((file) =>
  extractSnippets(file, readFileSync(join(repoRoot, file), 'utf8'))
    .filter((snippet) => snippet.mode !== 'skip')
    .map((snippet) => ({
      ...snippet,
      name: `${file.replace(/\.md$/, '').replaceAll('/', '-')}-L${snippet.line}`,
      runnable:
        snippet.mode === 'run' && /\bexport\s+(?:const|(?:async\s+)?function)\s+handler\b/.test(snippet.code),
    })),
);
const runnable = snippets.filter((snippet) => snippet.runnable);

let project: string;
const packs: Record<string, { filename: string; files: string[] }> = {};
const key = generateTestKey('RS256');
let server: JwksServer;
let node16Check: Run;
let esbuildRun: Run;
const tsc = () => join(project, 'node_modules', '.bin', 'tsc');
let mint: ReturnType<typeof createMinter>;

/** tsc diagnostics with each snippet position turned into its README's file and line. */
function toReadmePositions(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) =>
      line.replace(
        /snippets\/([\w.-]+)\.ts\((\d+),(\d+)\)/g,
        (whole, name: string, row: string, col: string) => {
          const snippet = snippets.find((s) => s.name === name);
          return snippet ? `${snippet.file}:${snippet.line + Number(row)}:${col}` : whole;
        },
      ),
    );
}

beforeAll(async () => {
  project = await mkdtemp(join(tmpdir(), 'jwt-authorizer-consumer-'));
  if (!relative(repoRoot, project).startsWith(`..${sep}`)) {
    throw new Error(`the consumer project must be outside the workspace, got ${project}`);
  }
  const packDir = join(project, 'packs');
  mkdirSync(packDir);
  for (const name of PUBLISHED) {
    const { stdout } = await runOk('pnpm', ['pack', '--pack-destination', packDir, '--json'], {
      cwd: join(repoRoot, 'packages', name),
      env: process.env,
    });
    const report = JSON.parse(stdout) as { filename: string; files: { path: string }[] };
    packs[name] = { filename: report.filename, files: report.files.map((f) => f.path).sort() };
  }

  const dependencies: Record<string, string> = { ...REGISTRY_DEPENDENCIES };
  for (const name of PUBLISHED) {
    dependencies[`@jwt-authorizer/${name}`] = `file:${relative(project, packs[name]?.filename ?? '')}`;
  }
  await writeFile(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module', dependencies }, null, 2)}\n`,
  );
  await runOk('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: project,
  });

  mkdirSync(join(project, 'snippets'));
  for (const snippet of snippets)
    await writeFile(join(project, 'snippets', `${snippet.name}.ts`), snippet.code);
  const tsconfig = (compilerOptions: Record<string, unknown>) =>
    `${JSON.stringify({ compilerOptions: { ...STRICT, ...compilerOptions }, include: ['snippets'] }, null, 2)}\n`;
  await writeFile(
    join(project, 'tsconfig.node16.json'),
    tsconfig({ module: 'node16', moduleResolution: 'node16', rootDir: 'snippets', outDir: 'out/node16' }),
  );
  await writeFile(
    join(project, 'tsconfig.bundler.json'),
    tsconfig({ module: 'esnext', moduleResolution: 'bundler', noEmit: true }),
  );

  // Emits every snippet to out/node16 even when one fails to type-check; the tests below report it.
  node16Check = await run(tsc(), ['-p', 'tsconfig.node16.json', '--pretty', 'false'], { cwd: project });
  esbuildRun = await run(
    join(project, 'node_modules', '.bin', 'esbuild'),
    [
      ...snippets.map((snippet) => `snippets/${snippet.name}.ts`),
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node22',
      '--external:@aws-sdk/*',
      '--log-level=warning',
      '--outdir=out/esbuild',
      '--out-extension:.js=.mjs',
    ],
    { cwd: project },
  );

  server = await startJwksServer({ kind: 'jwks', body: jwksOf(key) });
  mint = createMinter(server.issuer, AUDIENCE);
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (project) await rm(project, { recursive: true, force: true });
});

describe('the packed tarballs', () => {
  it.each(PUBLISHED)(
    '%s ships its built code, types, README and LICENSE, and no tests or sources',
    (name) => {
      const files = packs[name]?.files ?? [];
      expect(files).toContain('dist/index.js');
      expect(files).toContain('dist/index.d.ts');
      expect(files).toContain('dist/index.js.map');
      expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      const unexpected = files.filter(
        (file) =>
          !/^dist\/[\w-]+\.(?:js|js\.map|d\.ts)$/.test(file) &&
          !['LICENSE', 'README.md', 'package.json'].includes(file),
      );
      expect(unexpected).toEqual([]);
    },
  );

  it.each(PUBLISHED)('%s ships every file its exports map names', async (name) => {
    const manifest = JSON.parse(
      await readFile(join(project, 'node_modules', '@jwt-authorizer', name, 'package.json'), 'utf8'),
    ) as { exports: Record<string, Record<string, string>> };
    const targets = Object.values(manifest.exports).flatMap((entry) => Object.values(entry));
    expect(targets.length).toBeGreaterThan(0);
    const files = packs[name]?.files ?? [];
    expect(
      targets.map((target) => target.replace(/^\.\//, '')).filter((file) => !files.includes(file)),
    ).toEqual([]);
  });

  it.each(PUBLISHED)('%s ships source maps that carry their sources', async (name) => {
    const dist = join(project, 'node_modules', '@jwt-authorizer', name, 'dist');
    const maps = (await readdir(dist)).filter((file) => file.endsWith('.js.map'));
    expect(maps.length).toBe((await readdir(dist)).filter((file) => file.endsWith('.js')).length);
    for (const file of maps) {
      const map = JSON.parse(await readFile(join(dist, file), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      expect(map.sourcesContent?.length, file).toBe(map.sources.length);
      // The embedded source is the TypeScript the map was built from, byte for byte.
      for (const [index, source] of map.sources.entries()) {
        const original = await readFile(join(repoRoot, 'packages', name, 'dist', source), 'utf8');
        expect(map.sourcesContent?.[index], `${file}: ${source}`).toBe(original);
      }
    }
  });

  it.each(PUBLISHED)('%s points no file at a source map it does not ship', async (name) => {
    const installed = join(project, 'node_modules', '@jwt-authorizer', name);
    const files = packs[name]?.files ?? [];
    const dangling: string[] = [];
    for (const file of files.filter((f) => /\.(?:js|d\.ts)$/.test(f))) {
      const code = await readFile(join(installed, file), 'utf8');
      for (const [, url = ''] of code.matchAll(/^\/\/# sourceMappingURL=(\S+)\s*$/gm)) {
        const target = join(dirname(file), url);
        if (!files.includes(target)) dangling.push(`${file} -> ${url}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it.each(PUBLISHED)('%s says where it comes from, who may use it and on which Node', async (name) => {
    const installed = join(project, 'node_modules', '@jwt-authorizer', name);
    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
    expect(manifest).toMatchObject({
      license: 'MIT',
      type: 'module',
      repository: { type: 'git', directory: `packages/${name}` },
      publishConfig: { access: 'public' },
      engines: { node: '>=22.3' },
    });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\//);
    expect(await readFile(join(installed, 'LICENSE'), 'utf8')).toMatch(
      /^MIT License\n\nCopyright \(c\) 2026 /,
    );
  });

  it('middy-jwt asks for Middy 7 and depends on the authorizer-core version packed with it', async () => {
    const manifest = JSON.parse(
      await readFile(join(project, 'node_modules', '@jwt-authorizer', 'middy-jwt', 'package.json'), 'utf8'),
    );
    expect(manifest.peerDependencies).toEqual({ '@middy/core': '>=7' });
    const core = JSON.parse(
      await readFile(
        join(project, 'node_modules', '@jwt-authorizer', 'authorizer-core', 'package.json'),
        'utf8',
      ),
    );
    expect(manifest.dependencies).toEqual({ '@jwt-authorizer/authorizer-core': core.version });
  });
});

describe("the READMEs' TypeScript snippets, in a project that installed the tarballs", () => {
  it('are found in every README, and the root one has a runnable handler', () => {
    for (const file of README_FILES)
      expect(
        snippets.some((snippet) => snippet.file === file),
        file,
      ).toBe(true);
    expect(runnable.some((snippet) => snippet.file === 'README.md')).toBe(true);
  });

  it('type-check strict under module node16', () => {
    const { exitCode, stdout, stderr } = node16Check;
    expect({ exitCode, diagnostics: toReadmePositions(stdout + stderr) }).toEqual({
      exitCode: 0,
      diagnostics: [],
    });
  });

  it('type-check strict under moduleResolution bundler', async () => {
    const { exitCode, stdout, stderr } = await run(
      tsc(),
      ['-p', 'tsconfig.bundler.json', '--pretty', 'false'],
      {
        cwd: project,
      },
    );
    expect({ exitCode, diagnostics: toReadmePositions(stdout + stderr) }).toEqual({
      exitCode: 0,
      diagnostics: [],
    });
  });
});

describe('esbuild', () => {
  it('bundles every snippet into one ESM file that imports only Node built-ins', async () => {
    expect({ exitCode: esbuildRun.exitCode, stderr: esbuildRun.stderr }).toEqual({ exitCode: 0, stderr: '' });
    const builtins = new Set(builtinModules);
    for (const snippet of snippets) {
      const code = await readFile(join(project, 'out', 'esbuild', `${snippet.name}.mjs`), 'utf8');
      const imports = [...code.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)].map((m) => m[1] as string);
      expect(imports.length, snippet.name).toBeGreaterThan(0);
      expect(
        imports.filter((name) => !builtins.has(name.replace(/^node:/, ''))),
        `${snippet.file}:${snippet.line}`,
      ).toEqual([]);
    }
  });
});

interface Outcome {
  readonly result?: unknown;
  readonly error?: { readonly name?: string; readonly message?: string };
}

/** What each kind of handler snippet must answer: a Middy HTTP handler, or an authorizer's. */
function scenarioOf(snippet: CompiledSnippet) {
  const token = mint(key);
  if (/\bjwtAuthorizer\s*\(/.test(snippet.code)) {
    return {
      token,
      events: [
        { type: 'TOKEN', authorizationToken: `Bearer ${token}`, methodArn: METHOD_ARN },
        { type: 'TOKEN', authorizationToken: '', methodArn: METHOD_ARN },
      ],
      expected: [
        {
          result: {
            principalId: 'user-123',
            policyDocument: {
              Statement: expect.arrayContaining([expect.objectContaining({ Effect: 'Allow' })]),
            },
          },
        },
        { error: { name: 'Error', message: 'Unauthorized' } },
      ],
    };
  }
  const event = (headers: Record<string, string>) =>
    httpApiEvent({ method: 'GET', rawPath: '/pets', routeKey: 'GET /pets', headers });
  return {
    token,
    events: [event({ authorization: `Bearer ${token}` }), event({})],
    expected: [
      { result: { statusCode: 200 } },
      { result: { statusCode: 401, headers: { 'WWW-Authenticate': 'Bearer realm="api"' } } },
    ],
  };
}

describe.each(runnable.map((snippet) => [`${snippet.file}:${snippet.line}`, snippet] as const))(
  'the handler snippet at %s',
  (_where, snippet) => {
    it('is configured from the environment, so it can run against the local issuer', () => {
      // A literal issuer would send the snippet's JWKS request to a host on the internet.
      expect(snippet.code).toMatch(/\bfromEnv\(\)/);
    });

    it.each([
      ['compiled by tsc (node16) and run by node', `out/node16/${snippet.name}.js`],
      ['bundled by esbuild into one file', `out/esbuild/${snippet.name}.mjs`],
    ])('answers a good token and refuses a missing one, %s', async (_label, module) => {
      const scenario = scenarioOf(snippet);
      const outcomesFile = join(project, `${module}.outcomes.json`);
      const { exitCode, stdout, stderr } = await run(
        process.execPath,
        [join(here, 'helpers', 'invoke-handler.mjs'), join(project, module), outcomesFile],
        {
          cwd: project,
          env: freshEnv({ TOKEN_ISSUER: server.issuer, AUDIENCE }),
          input: JSON.stringify(scenario.events),
        },
      );
      expect({ exitCode, stderr: exitCode === 0 ? '' : stderr }).toEqual({ exitCode: 0, stderr: '' });
      const outcomes = JSON.parse(await readFile(outcomesFile, 'utf8')) as Outcome[];
      expect(outcomes).toHaveLength(scenario.expected.length);
      expect(outcomes).toMatchObject(scenario.expected);
      // What the snippet logged holds no part of the token, and no error's stack trace.
      const log = stdout + stderr;
      for (const part of scenario.token.split('.')) expect(log).not.toContain(part);
      expect(log).not.toMatch(/^\s+at /m);
    });
  },
);

describe('a CommonJS consumer', () => {
  it(`loads both packages with require() on this Node (${process.version})`, async () => {
    await writeFile(
      join(project, 'require-check.cjs'),
      [
        "const middyJwt = require('@jwt-authorizer/middy-jwt');",
        "const core = require('@jwt-authorizer/authorizer-core');",
        'console.log(JSON.stringify([typeof middyJwt.jwtAuth, typeof middyJwt.default, typeof core.createAuthorizer]));',
      ].join('\n'),
    );
    const { exitCode, stdout, stderr } = await run(process.execPath, ['require-check.cjs'], { cwd: project });
    if (process.features.require_module) {
      expect({ exitCode, stdout: stdout.trim() }).toEqual({
        exitCode: 0,
        stdout: JSON.stringify(['function', 'function', 'function']),
      });
      // Node 22.12 warned that require(esm) is experimental; 22.13 and later load it silently.
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      if (major > 22 || (major === 22 && minor >= 13)) expect(stderr).toBe('');
    } else {
      expect(exitCode).not.toBe(0);
      expect(stderr).toContain('ERR_REQUIRE_ESM');
    }
  });

  it.each([
    ['nodenext', []],
    ['node20', []],
    ['node16', ['TS1479', 'TS1479']],
  ])('type-checks an import compiled to require() under module %s: errors %j', async (module, codes) => {
    mkdirSync(join(project, 'cjs'), { recursive: true });
    await writeFile(
      join(project, 'cjs', 'require-check.cts'),
      [
        "import { jwtAuth } from '@jwt-authorizer/middy-jwt';",
        "import { createAuthorizer } from '@jwt-authorizer/authorizer-core';",
        'export const loaded = [jwtAuth, createAuthorizer];',
      ].join('\n'),
    );
    const { exitCode, stdout, stderr } = await run(
      tsc(),
      [
        '--noEmit',
        '--strict',
        '--skipLibCheck',
        '--types',
        'node',
        '--module',
        module,
        '--pretty',
        'false',
        'cjs/require-check.cts',
      ],
      { cwd: project },
    );
    const found = [...(stdout + stderr).matchAll(/error (TS\d+)/g)].map((m) => m[1]);
    expect({ passed: exitCode === 0, codes: found }).toEqual({ passed: codes.length === 0, codes });
  });
});
