import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extractZip } from '@jwt-authorizer/test-fixtures';
import { cleanEnv, type ProcessResult, runNode } from './processes.js';

export const PACKAGE_DIR = resolve(import.meta.dirname, '../..');
export const ZIP_PATH = join(PACKAGE_DIR, 'dist', 'custom-authorizer.zip');

/** What the runner reports for one event: the handler's result, or its rejection. */
export type Outcome =
  | { readonly ok: true; readonly result: Record<string, unknown> }
  | { readonly ok: false; readonly message: string; readonly code: string | undefined };

export interface BundledRun extends ProcessResult {
  readonly outcomes: Outcome[];
  /** The JSON lines the handler logged. */
  readonly logs: Array<Record<string, unknown>>;
  /** `process.moduleLoadList` at the end of the run: the Node.js internals the process loaded. */
  readonly loaded: string[];
}

/** Unzips a bundle (default: dist's) into a new empty folder, with the test runner next to index.mjs. */
export function unzipBundle(zipPath = ZIP_PATH): { dir: string; files: string[]; remove(): void } {
  if (!existsSync(zipPath)) throw new Error(`${zipPath} is missing: run the bundle task`);
  const dir = mkdtempSync(join(tmpdir(), 'authorizer-zip-'));
  const files = extractZip(readFileSync(zipPath), dir);
  copyFileSync(join(import.meta.dirname, 'runner.mjs'), join(dir, 'run.mjs'));
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs the unzipped handler in a fresh node process (cwd = its folder) on each event. */
export async function runBundled(
  dir: string,
  events: readonly unknown[],
  settings: Record<string, string>,
): Promise<BundledRun> {
  const eventsFile = join(dir, `events-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(eventsFile, JSON.stringify(events));
  try {
    const run = await runNode(['run.mjs', eventsFile], { cwd: dir, env: cleanEnv(settings) });
    const outcomes: Outcome[] = [];
    const logs: Array<Record<string, unknown>> = [];
    let loaded: string[] = [];
    for (const line of run.stdout.split('\n')) {
      if (line.startsWith('@@result ')) outcomes.push(JSON.parse(line.slice('@@result '.length)) as Outcome);
      else if (line.startsWith('@@loaded ')) loaded = JSON.parse(line.slice('@@loaded '.length)) as string[];
      else if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
    }
    return { ...run, outcomes, logs, loaded };
  } finally {
    rmSync(eventsFile, { force: true });
  }
}
