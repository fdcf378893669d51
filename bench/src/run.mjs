// The benchmark suite: `pnpm bench` (full), `pnpm bench --quick` (short and indicative), or
// `pnpm bench --judge results.json` (re-judge a saved run against ../targets.mjs, measuring nothing).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TARGETS } from '../targets.mjs';
import { evaluateTargets } from './evaluate.mjs';
import {
  blocksToMarkdown,
  blocksToText,
  runLine,
  SECTION_TITLES,
  sectionBlocks,
  sectionHeading,
  targetBlocks,
} from './render.mjs';
import {
  createFixtures,
  DISTINCT,
  describeCommit,
  describeMachine,
  RESULT_KEYS,
  RUNNERS,
  SECTIONS,
  SETTINGS,
  sectionsToRun,
} from './suite.mjs';
import { ROWS } from './throughput.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const USAGE = `usage: node --expose-gc src/run.mjs [--quick] [--only=a,b] [--rows=core,jose] [--out=results.json]
       node src/run.mjs --judge=results.json
sections: ${SECTIONS.join(', ')} (profile runs in full mode or with --only)
rows: ${ROWS.map((r) => r.id).join(', ')} (raw is always kept)`;

function fail(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function readOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      // pnpm and turbo pass a `--` separator through; it separates nothing here.
      args: argv.filter((arg) => arg !== '--'),
      options: {
        quick: { type: 'boolean', default: false },
        only: { type: 'string' },
        rows: { type: 'string' },
        out: { type: 'string', default: join(here, '..', 'results.json') },
        judge: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail(err.message);
  }
  const list = (value) => value?.split(',').filter((item) => item !== '');
  const options = { ...parsed, only: list(parsed.only), rows: list(parsed.rows), out: resolve(parsed.out) };
  for (const s of options.only ?? []) {
    if (!SECTIONS.includes(s)) fail(`unknown section: ${s}`);
  }
  for (const r of options.rows ?? []) {
    if (!ROWS.some((row) => row.id === r)) fail(`unknown row: ${r}`);
  }
  return options;
}

function printVerdicts(verdicts) {
  console.log(sectionHeading('Targets'));
  console.log(blocksToText(targetBlocks(verdicts)));
}

/** Re-judges a saved results.json. Exit 1 when a target is missed or its figure is missing. */
function judge(path) {
  let results;
  try {
    results = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot read ${path}: ${err.message}`);
  }
  // Files written before `sections` was recorded: the sections are those with data.
  results.sections ??= SECTIONS.filter((s) => results[RESULT_KEYS[s]] !== undefined);
  const verdicts = evaluateTargets(TARGETS, results);
  console.log(`${path}: ${runLine(results)}`);
  printVerdicts(verdicts);
  if (verdicts.some((v) => v.status === 'miss' || v.status === 'missing')) process.exitCode = 1;
}

async function run(options) {
  const suiteStart = performance.now();
  const elapsed = () => `${((performance.now() - suiteStart) / 1000).toFixed(1)} s`;
  const settings = options.quick ? SETTINGS.quick : SETTINGS.full;
  const results = {
    date: new Date().toISOString(),
    commit: describeCommit(),
    mode: options.quick ? 'quick' : 'full',
    node: process.version,
    machine: describeMachine(),
    settings,
    sections: [],
    errors: [],
  };
  if (typeof globalThis.gc !== 'function') {
    console.log('note: run with node --expose-gc for heap figures after a full GC (pnpm bench does).');
  }
  console.log(`jwt-authorizer benchmarks (${results.mode}) - ${results.date}`);
  console.log(`machine: ${results.machine.cpu}, ${results.machine.nproc} CPU, Node ${results.node}`);
  console.log('Absolute numbers on a shared machine mean little; ratios measured in the same run hold.');

  const fixtures = await createFixtures();
  console.log(
    `fixtures ready (${elapsed()}): JWKS at ${fixtures.server.jwksUri}, ${DISTINCT.toLocaleString('en')} distinct tokens per algorithm`,
  );
  const blocks = [];
  try {
    for (const section of sectionsToRun(options)) {
      console.log(sectionHeading(SECTION_TITLES[section]));
      results.sections.push(section);
      try {
        const data = await RUNNERS[section](fixtures, {
          settings,
          rows: options.rows,
          progress: (line) => console.log(`${line} (${elapsed()})`),
        });
        results[RESULT_KEYS[section]] = data;
        const own = sectionBlocks(section, data, results);
        console.log(blocksToText(own));
        blocks.push(...own);
      } catch (err) {
        // One broken section must not hide the others' results; its targets read as missing.
        const message = `${err.code ?? err.name}: ${err.message}${err.cause?.code ? ` (cause ${err.cause.code})` : ''}`;
        results.errors.push({ section, error: message });
        console.log(`section ${section} FAILED: ${message}`);
      }
    }
  } finally {
    await fixtures.close();
  }
  results.targets = evaluateTargets(TARGETS, results);
  printVerdicts(results.targets);
  blocks.push(...targetBlocks(results.targets));
  results.durationSeconds = (performance.now() - suiteStart) / 1000;

  writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`);
  const mdPath = `${options.out.replace(/\.json$/, '')}.md`;
  writeFileSync(mdPath, `${runLine(results)}\n\n${blocksToMarkdown(blocks)}`);
  console.log();
  console.log(`results written to ${options.out} and ${mdPath} (${results.durationSeconds.toFixed(1)} s)`);
  console.log(`re-judge offline: pnpm bench --judge=${options.out}`);
  if (results.errors.length > 0) process.exitCode = 1;
}

const options = readOptions(process.argv.slice(2));
if (options.help) console.log(USAGE);
else if (options.judge !== undefined) judge(resolve(options.judge));
else await run(options);
