// Bundles the handler into one minified ESM file and packs it into a deterministic zip:
//   node scripts/bundle.mjs [--outdir dist] [--include routes.json]... [--analyze]
// The zip holds index.mjs (handler `index.handler`) and the --include files at its root; the source
// map stays next to it in the output folder, out of the zip.
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
    // The Lambda runtime is Node.js 22, whatever Node runs this build.
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

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      outdir: { type: 'string' },
      include: { type: 'string', multiple: true },
      analyze: { type: 'boolean' },
    },
  });
  const outdir = values.outdir === undefined ? undefined : resolve(values.outdir);
  const report = await bundle({
    outdir,
    include: (values.include ?? []).map((path) => resolve(path)),
    analyze: values.analyze ?? false,
  });
  if (report.analysis) process.stdout.write(report.analysis);
  process.stdout.write(
    `${report.zipPath}: ${report.zipBytes} bytes (index.mjs ${report.bundleBytes} bytes), sha256 ${report.sha256}\n`,
  );
}
