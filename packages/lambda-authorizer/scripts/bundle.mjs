// Bundles the handler into one minified ESM file and packs it into a deterministic zip:
//   node scripts/bundle.mjs [--outdir dist] [--include routes.json]... [--analyze] [--quiet]
// The zip holds index.mjs (handler `index.handler`) and the --include files at its root; the source
// map stays next to it in the output folder, out of the zip. Run as a command, it first builds the
// workspace packages the handler imports.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyzeMetafile, build } from 'esbuild';
import { createZip } from './zip.mjs';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ZIP_NAME = 'custom-authorizer.zip';

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

/**
 * Builds `index.mjs`, `index.mjs.map` and the zip into `outdir`.
 * @returns {Promise<{ zipPath: string, zipBytes: number, bundleBytes: number, sha256: string, analysis?: string }>}
 */
export async function bundle({ outdir = resolve(packageDir, 'dist'), include = [], analyze = false } = {}) {
  const outfile = resolve(outdir, 'index.mjs');
  const result = await build({
    entryPoints: [resolve(packageDir, 'src/index.ts')],
    absWorkingDir: packageDir,
    outfile,
    bundle: true,
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
    metafile: analyze,
    plugins: [sideEffectFree(/[\\/]aws-jwt-verify[\\/]/)],
    write: false,
    logLevel: 'warning',
  });
  mkdirSync(outdir, { recursive: true });
  let code;
  for (const file of result.outputFiles) {
    writeFileSync(file.path, file.contents);
    if (file.path === outfile) code = Buffer.from(file.contents);
  }
  if (!code) throw new Error('esbuild produced no index.mjs');

  const entries = [{ name: 'index.mjs', data: code }];
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      outdir: { type: 'string' },
      include: { type: 'string', multiple: true },
      analyze: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
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
      `${report.zipPath}: ${report.zipBytes} bytes (index.mjs ${report.bundleBytes} bytes), sha256 ${report.sha256}\n`,
    );
  }
}
