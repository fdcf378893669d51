// Bundles the handler into one minified ESM file and packs it into a deterministic zip:
//   node scripts/bundle.mjs [--outdir dist] [--include routes.json]... [--analyze] [--quiet]
// The zip holds index.mjs (handler `index.handler`), the chunks it imports lazily (chunk-HASH.mjs)
// and the --include files at its root; the source maps stay in the output folder, out of the zip. Run as a command, it first builds the
// workspace packages the handler imports.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeMetafile, build } from 'esbuild';
import { createZip } from './zip.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ZIP_NAME = 'custom-authorizer.zip';
const BUILD_DIR = resolve(packageDir, 'dist');

/**
 * Marks the modules of a package as free of side effects, so esbuild drops what the bundle does not
 * use. aws-jwt-verify's modules only define functions and classes, but its package.json does not
 * say so, and its fetcher and web-compat layer would otherwise ride along unused.
 */
function sideEffectFree(pathPattern) {
  return {
    name: 'side-effect-free',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.sideEffectFree) return undefined;
        const resolved = await pluginBuild.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { sideEffectFree: true },
        });
        if (resolved.errors.length > 0 || !pathPattern.test(resolved.path)) return undefined;
        return { ...resolved, sideEffects: false };
      });
    },
  };
}

/** The output files a cold start reads: index.mjs and every chunk reached by static imports. */
function startupFiles(metafile) {
  const outputs = metafile.outputs;
  const byName = new Map(Object.keys(outputs).map((path) => [basename(path), path]));
  const seen = new Set(['index.mjs']);
  const queue = ['index.mjs'];
  while (queue.length > 0) {
    const output = outputs[byName.get(queue.pop())];
    for (const imported of output?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external) continue;
      const name = basename(imported.path);
      if (!seen.has(name)) {
        seen.add(name);
        queue.push(name);
      }
    }
  }
  return seen;
}

/**
 * Builds `index.mjs`, its lazily loaded chunks (`chunk-HASH.mjs`), their source maps and the zip
 * into `outdir`.
 * `startupBytes` counts index.mjs and the chunks it imports statically (what a cold start reads),
 * `lazyBytes` the chunks only a dynamic import() reaches.
 * @returns {Promise<{ zipPath: string, zipBytes: number, bundleBytes: number, startupBytes: number, lazyBytes: number, sha256: string, analysis?: string }>}
 */
export async function bundle({ outdir = resolve(packageDir, 'dist'), include = [], analyze = false } = {}) {
  const outfile = resolve(outdir, 'index.mjs');
  const result = await build({
    entryPoints: { index: resolve(packageDir, 'src/index.ts') },
    absWorkingDir: packageDir,
    // Chunk names hash their source maps, whose paths are relative to the output folder: esbuild
    // always builds for dist (nothing is written there), and the files go to `outdir` after, so the
    // zip is the same wherever it is built. The maps' paths hold for dist.
    outdir: BUILD_DIR,
    // Code behind a dynamic import() (DPoP proofs, certificate binding, introspection) goes into its
    // own chunk, which Node reads only when a request first needs it: a deployment that never sees
    // a DPoP proof or an opaque token does not parse that code at cold start.
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // The Lambda Node.js runtime provides the AWS SDK v3; only the DPoP replay table's chunk, loaded
    // when JWT_DPOP_REPLAY_TABLE is set, imports it.
    external: ['@aws-sdk/*'],
    platform: 'node',
    format: 'esm',
    // Lambda runs it on nodejs24.x or nodejs22.x, whatever Node runs this build: target the older.
    target: 'node22',
    minify: true,
    // Short lines keep Node's uncaught-error excerpt (one source line) and stack columns readable.
    lineLimit: 500,
    treeShaking: true,
    sourcemap: 'external',
    legalComments: 'none',
    charset: 'utf8',
    metafile: true,
    plugins: [sideEffectFree(/[\\/]aws-jwt-verify[\\/]/)],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(outdir, { recursive: true });
  // Chunk names change with their content: the previous build's would pile up in the folder.
  for (const name of readdirSync(outdir)) {
    if (/^chunk-[A-Z0-9]+\.mjs(?:\.map)?$/.test(name)) rmSync(resolve(outdir, name));
  }
  let code;
  const entries = [];
  const startup = startupFiles(result.metafile);
  let startupBytes = 0;
  let lazyBytes = 0;
  for (const file of result.outputFiles) {
    const path = resolve(outdir, relative(BUILD_DIR, file.path));
    writeFileSync(path, file.contents);
    if (!path.endsWith('.mjs')) continue;
    entries.push({ name: basename(path), data: Buffer.from(file.contents) });
    if (path === outfile) code = Buffer.from(file.contents);
    if (startup.has(basename(file.path))) startupBytes += file.contents.length;
    else lazyBytes += file.contents.length;
  }
  if (!code) throw new Error('esbuild produced no index.mjs');

  for (const path of include) {
    entries.push({ name: basename(path), data: readFileSync(resolve(packageDir, path)) });
  }
  const zip = createZip(entries);
  const zipPath = resolve(outdir, ZIP_NAME);
  writeFileSync(zipPath, zip);
  return {
    zipPath,
    zipBytes: zip.length,
    bundleBytes: code.length,
    startupBytes,
    lazyBytes,
    sha256: createHash('sha256').update(zip).digest('hex'),
    analysis: analyze ? await analyzeMetafile(result.metafile) : undefined,
  };
}

/**
 * Builds the workspace packages the handler imports (authorizer-core, middy-jwt), dependencies
 * first, with their own `build` scripts. esbuild bundles their `dist`: without this, a clean clone
 * has none to bundle and a changed source would ship its previous build.
 */
function buildWorkspaceDependencies() {
  const { name } = JSON.parse(readFileSync(resolve(packageDir, 'package.json'), 'utf8'));
  const result = spawnSync('pnpm', ['--silent', '--filter', `${name}^...`, 'run', 'build'], {
    cwd: packageDir,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    process.stderr.write(`bundle: building the workspace packages ${name} imports failed (see above)\n`);
    process.exit(result.status ?? 1);
  }
}

const USAGE = `Usage: pnpm --filter lambda-authorizer run bundle [-- OPTIONS]
Builds the workspace packages the handler imports, then bundles src/index.ts into index.mjs and
custom-authorizer.zip (the same bytes for the same sources).
  --outdir DIR     write index.mjs, index.mjs.map and the zip into DIR (default: dist)
  --include FILE   add FILE at the zip root, next to index.mjs (repeatable)
  --analyze        print what each module adds to index.mjs
  --quiet          leave out the line with the zip's path, size and sha256
  --help           print this help
Relative paths are taken from packages/lambda-authorizer.
`;
const OPTIONS_LINE = 'options: --outdir DIR, --include FILE, --analyze, --quiet, --help';

/** Escapes control characters and line separators, so an argument cannot break the one-line error. */
function oneLine(text) {
  let line = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const breaks = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    line += breaks ? `\\u${code.toString(16).padStart(4, '0')}` : char;
  }
  return line;
}

/**
 * Reads the command line. An argument it cannot take gives one line that names it (its control
 * characters and line separators escaped) and lists the options.
 * @returns {{ values: { outdir?: string, include?: string[], analyze?: boolean, quiet?: boolean, help?: boolean } } | { error: string }}
 */
export function parseCommandLine(args) {
  try {
    const { values } = parseArgs({
      args,
      options: {
        outdir: { type: 'string' },
        include: { type: 'string', multiple: true },
        analyze: { type: 'boolean' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
    return { values };
  } catch (error) {
    if (!String(error?.code).startsWith('ERR_PARSE_ARGS_')) throw error;
    return { error: `bundle: ${oneLine(error.message)} (${OPTIONS_LINE})` };
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const parsed = parseCommandLine(process.argv.slice(2).filter((arg) => arg !== '--'));
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n`);
    process.exit(2);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  // Under turbo the task graph has built them already (bundle depends on build, build on ^build),
  // and building them again would rewrite their dist while other tasks read it.
  if (process.env.TURBO_HASH === undefined) buildWorkspaceDependencies();
  const outdir = values.outdir === undefined ? undefined : resolve(values.outdir);
  const report = await bundle({
    outdir,
    include: (values.include ?? []).map((path) => resolve(path)),
    analyze: values.analyze ?? false,
  });
  if (report.analysis) process.stdout.write(report.analysis);
  if (!values.quiet) {
    process.stdout.write(
      `${report.zipPath}: ${report.zipBytes} bytes (read at cold start ${report.startupBytes} bytes, loaded on first use ${report.lazyBytes} bytes), sha256 ${report.sha256}\n`,
    );
  }
}
