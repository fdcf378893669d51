import { existsSync } from 'node:fs';
import { type FlagValues, getBooleanFlag, getStringFlag, parseCliArgs } from './args.js';
import { type AwsClientOptions, type AwsClients, destroyAwsClients } from './aws-clients.js';
import {
  type ConfigPaths,
  type DeployConfig,
  type LoadedSettings,
  loadSettings,
  resolveDeployConfig,
  resolveDestroyConfig,
  resolveInvokeConfig,
  type Settings,
} from './config.js';
import { runDeploy } from './deploy.js';
import { runDestroy } from './destroy.js';
import { DeployError, type DeployErrorCode } from './errors.js';
import { formatHelp } from './help.js';
import { runInvoke } from './invoke.js';
import { type LambdaZip, readLambdaZip, type ZipBuildResult } from './lambda-zip.js';
import {
  buildDeployCalls,
  buildDestroyCalls,
  describeDestroy,
  formatDeploySummary,
  formatTrustPolicies,
} from './plan.js';
import { createReporter, type Reporter } from './reporter.js';
import { formatCalls } from './step.js';
import type { StepContext } from './step-context.js';
import { addFilesToZip } from './zip-files.js';

/** Everything the CLI touches outside itself, injected so tests run it in-process with mocks. */
export interface CliDependencies {
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative paths in flags are resolved (the caller's directory). */
  cwd: string;
  /** The monorepo root: holds `.env` and the default zip. */
  repoRoot: string;
  out: (line: string) => void;
  err: (line: string) => void;
  createClients: (options: AwsClientOptions) => AwsClients;
  /** The region the SDK would use when none is given, or `undefined`. */
  resolveRegion: (options: {
    region?: string | undefined;
    profile?: string | undefined;
  }) => Promise<string | undefined>;
  /**
   * Builds the zip. With `verbose` the build's own output goes to the terminal; otherwise it is
   * captured and returned, for the CLI to print only when the build failed.
   */
  buildZip: (repoRoot: string, options: { verbose: boolean }) => ZipBuildResult;
  /** Asks a yes/no question on the terminal; `undefined` when there is no terminal. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
  sleep: (ms: number) => Promise<void>;
  waiterMaxWaitSeconds: number;
}

const DRY_RUN_REGION = 'us-east-1';
const INPUT_ERRORS: ReadonlySet<DeployErrorCode> = new Set([
  'USAGE',
  'CONFIG_MISSING',
  'CONFIG_INVALID',
  'ZIP_NOT_FOUND',
  'ZIP_BUILD_FAILED',
  'EVENT_INVALID',
  'NO_REGION',
  'NOT_CONFIRMED',
]);

/**
 * The exit code for an error: 2 for bad input (fix the command line or settings), 1 for a failure
 * while talking to AWS.
 *
 * @example
 * ```ts
 * getExitCode(new DeployError('CONFIG_MISSING', '…')); // 2
 * ```
 */
export function getExitCode(error: DeployError): number {
  return INPUT_ERRORS.has(error.code) ? 2 : 1;
}

async function requireRegion(
  deps: CliDependencies,
  config: { region?: string | undefined; profile?: string | undefined },
) {
  const region = await deps.resolveRegion(config);
  if (!region) {
    throw new DeployError(
      'NO_REGION',
      'No AWS region configured: pass --region, set AWS_REGION, or add region to the profile',
    );
  }
  return region;
}

function createContext(
  deps: CliDependencies,
  reporter: Reporter,
  region: string,
  config: { profile?: string | undefined; maxAttempts?: number | undefined },
): StepContext {
  const clients = deps.createClients({ region, profile: config.profile, maxAttempts: config.maxAttempts });
  return { clients, reporter, region, sleep: deps.sleep, waiterMaxWaitSeconds: deps.waiterMaxWaitSeconds };
}

function prepareZip(
  deps: CliDependencies,
  reporter: Reporter,
  config: DeployConfig,
  verbose: boolean,
): LambdaZip | undefined {
  if (config.buildZip) {
    reporter.line('Building the zip: turbo run bundle --filter=@jwt-authorizer/lambda-authorizer');
    const build = deps.buildZip(deps.repoRoot, { verbose });
    if (!build.ok) {
      for (const line of build.output.trimEnd().split('\n')) if (line !== '') deps.err(line);
      const message =
        'Building the zip failed (turbo run bundle --filter=@jwt-authorizer/lambda-authorizer): fix the build, or pass --zip PATH';
      if (!config.dryRun) throw new DeployError('ZIP_BUILD_FAILED', message);
      reporter.warn(`${message}; the plan goes on without a fresh zip`);
    }
  }
  if (config.dryRun && !existsSync(config.zipPath)) {
    reporter.warn(`no zip at ${config.zipPath}: a real deploy would stop here`);
    return undefined;
  }
  // The files settings name (routes, config, static JWKS) ride in the zip, under settings/.
  return addFilesToZip(readLambdaZip(config.zipPath), config.files);
}

async function printDeployDryRun(
  deps: CliDependencies,
  reporter: Reporter,
  config: DeployConfig,
  verbose: boolean,
) {
  reporter.line('Dry run: lists the calls deploy would make; makes none and needs no credentials.');
  const zip = prepareZip(deps, reporter, config, verbose);
  let region = await deps.resolveRegion(config);
  if (!region) {
    region = DRY_RUN_REGION;
    reporter.warn(
      `no AWS region configured: the plan uses ${region}; a real deploy needs --region or AWS_REGION`,
    );
  }
  for (const line of formatDeploySummary(config, region, zip)) reporter.line(line);
  reporter.line('Calls, in order (most happen only when the condition holds):');
  for (const line of formatCalls(buildDeployCalls(config, region, zip))) reporter.line(line);
  for (const line of formatTrustPolicies(config, region)) reporter.line(line);
  // The plan is printed; the same problems that stop a real deploy make the dry run fail too.
  const last = config.problems.at(-1);
  if (last) {
    for (const problem of config.problems.slice(0, -1)) deps.err(`error: ${problem.message}`);
    throw last;
  }
  return 0;
}

async function commandDeploy(
  deps: CliDependencies,
  reporter: Reporter,
  values: FlagValues,
  loaded: LoadedSettings,
) {
  const paths: ConfigPaths = { repoRoot: deps.repoRoot, cwd: deps.cwd, origin: loaded.origin };
  const config = resolveDeployConfig(values, loaded.settings, paths);
  // After the flags are checked: a bad flag is one line on stderr and nothing else.
  reporter.line(loaded.description);
  const verbose = getBooleanFlag(values, 'verbose');
  if (config.dryRun) return printDeployDryRun(deps, reporter, config, verbose);
  const [problem] = config.problems;
  if (problem) throw problem;
  const region = await requireRegion(deps, config);
  const zip = prepareZip(deps, reporter, config, verbose);
  if (!zip) throw new DeployError('ZIP_NOT_FOUND', `No zip at ${config.zipPath}: pass --zip PATH`);
  const context = createContext(deps, reporter, region, config);
  try {
    await runDeploy(context, config, zip);
    return 0;
  } finally {
    destroyAwsClients(context.clients);
  }
}

async function commandDestroy(
  deps: CliDependencies,
  reporter: Reporter,
  values: FlagValues,
  loaded: LoadedSettings,
) {
  const config = resolveDestroyConfig(values, loaded.settings, { cwd: deps.cwd, origin: loaded.origin });
  reporter.line(loaded.description);
  if (config.dryRun) {
    reporter.line('Dry run: lists the calls destroy would make; makes none and needs no credentials.');
    reporter.line(`Would remove: ${describeDestroy(config)}`);
    reporter.line('Calls, in order (deletions happen only for what exists):');
    for (const line of formatCalls(buildDestroyCalls(config))) reporter.line(line);
    return 0;
  }
  const region = await requireRegion(deps, config);
  if (!config.yes) {
    if (!deps.confirm) {
      throw new DeployError(
        'NOT_CONFIRMED',
        'destroy asks for confirmation and there is no terminal: pass --yes',
      );
    }
    const ok = await deps.confirm(`Delete ${describeDestroy(config)} in ${region}? [y/N] `);
    if (!ok) {
      reporter.line('Nothing deleted.');
      return 1;
    }
  }
  const context = createContext(deps, reporter, region, config);
  try {
    await runDestroy(context, config);
    return 0;
  } finally {
    destroyAwsClients(context.clients);
  }
}

async function commandInvoke(
  deps: CliDependencies,
  reporter: Reporter,
  values: FlagValues,
  loaded: LoadedSettings,
) {
  const config = resolveInvokeConfig(values, loaded.settings, { repoRoot: deps.repoRoot, cwd: deps.cwd });
  reporter.line(loaded.description);
  const region = await requireRegion(deps, config);
  const context = createContext(deps, reporter, region, config);
  try {
    return await runInvoke(context, config);
  } finally {
    destroyAwsClients(context.clients);
  }
}

/**
 * Hides the values of `JWT_*` settings in a line about to be printed: an AWS error message may quote
 * the function's environment.
 *
 * @example
 * ```ts
 * redactSettings('bad value s3cret-routes', { JWT_ROUTES: 's3cret-routes' }); // 'bad value ***'
 * ```
 */
export function redactSettings(line: string, settings: Settings): string {
  let redacted = line;
  for (const [name, value] of Object.entries(settings)) {
    // Short values (a number of seconds, "RS256") are not secrets and would garble the message.
    if (name.startsWith('JWT_') && value.length >= 8) redacted = redacted.split(value).join('***');
  }
  return redacted;
}

/**
 * Runs the CLI: parses the arguments, reads the settings, runs the command and turns every failure
 * into one `error:` line (plus, when the run had already changed something, one line saying what).
 *
 * @returns the exit code: 0 success, 1 AWS failure, 2 bad input
 */
export async function runCli(argv: readonly string[], deps: CliDependencies): Promise<number> {
  const reporter = createReporter({ out: deps.out, err: deps.err });
  let settings: Settings = {};
  try {
    const { command, values } = parseCliArgs(argv);
    if (command === undefined || getBooleanFlag(values, 'help')) {
      deps.out(formatHelp(command));
      return 0;
    }
    const loaded = loadSettings({
      env: deps.env,
      dotenvPath: getStringFlag(values, 'env-file'),
      repoRoot: deps.repoRoot,
      cwd: deps.cwd,
    });
    settings = loaded.settings;
    if (command === 'deploy') return await commandDeploy(deps, reporter, values, loaded);
    if (command === 'destroy') return await commandDestroy(deps, reporter, values, loaded);
    return await commandInvoke(deps, reporter, values, loaded);
  } catch (error) {
    const failure =
      error instanceof DeployError ? error : new DeployError('AWS_ERROR', String(error), { cause: error });
    deps.err(redactSettings(`error: ${failure.message}`, settings));
    if (reporter.changes.length > 0) {
      deps.err(
        `note: this run had already ${reporter.changes.join(', ')}; run the command again to finish, or destroy to remove them`,
      );
    }
    return getExitCode(failure);
  }
}
