// Bundles handler.ts into dist/index.mjs for the Lambda Node.js runtime and reports its size.
// Usage: node examples/http-api/bundle.mjs
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outfile = join(here, 'dist', 'index.mjs');

await build({
  entryPoints: [join(here, 'handler.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  legalComments: 'none',
  // The Lambda runtime provides the AWS SDK v3; everything else is bundled.
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
});

const code = readFileSync(outfile);
console.log(JSON.stringify({ outfile, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length }));
