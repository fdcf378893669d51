import { CORE_SETTINGS, DEFAULTS, type DeployConfig } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { deleteFunction, ensureFunction } from '../function.js';
import { allOf, fact, not, type PlannedCall } from '../step.js';

/**
 * Describes the function's environment for printing: the issuer, audience and JWKS URI with their
 * values, every `JWT_*` setting by name only (its value may be a secret).
 *
 * @example
 * ```ts
 * describeEnvironment({ TOKEN_ISSUER: 'https://t.auth0.com/', JWT_ROUTES: '...' });
 * // 'TOKEN_ISSUER=https://t.auth0.com/, JWT_ROUTES (value not shown)'
 * ```
 */
export function describeEnvironment(environment: Readonly<Record<string, string>>): string {
  const shown = CORE_SETTINGS.filter((name) => environment[name] !== undefined).map(
    (name) => `${name}=${environment[name]}`,
  );
  const hidden = Object.keys(environment)
    .filter((name) => !(CORE_SETTINGS as readonly string[]).includes(name))
    .sort()
    .map((name) => `${name} (value not shown)`);
  return [...shown, ...hidden].join(', ') || '(none)';
}

const describeSettings = (config: DeployConfig) =>
  `${config.runtime}, ${config.handler}, ${config.timeoutSeconds} s, ${config.memoryMb} MB`;

/** What the uploaded code is: the zip, with the files the settings name added under `settings/`. */
const describeCode = (config: DeployConfig) =>
  config.files.length === 0
    ? 'the zip'
    : `the zip with ${config.files.map((file) => file.zipName).join(', ')}`;

/**
 * The Lambda function: created with the zip, or its code and configuration updated where they
 * differ. The code uploaded is the bundle plus the files the settings name (routes, config file,
 * static JWKS), under `settings/`, with their variables pointing there.
 */
export const functionStep: DeployStep = {
  name: 'function',
  summary: (config, target) => [
    `  function     ${config.functionName}: ${describeSettings(config)}`,
    `  code         ${target.zip ? `${target.zip.path} (CodeSha256 ${target.zip.sha256})` : `${config.zipPath} (not available)`}`,
    ...config.files.map((file) => `  zip adds     ${file.zipName} from ${file.path} (${file.setting})`),
    `  environment  ${describeEnvironment(config.environment)}`,
  ],
  plan(config, target): PlannedCall[] {
    const resource = `function ${config.functionName}`;
    const exists = fact('functionExists');
    const waitUpdated = 'waitUntilFunctionUpdatedV2 polls until the update is done';
    return [
      { service: 'lambda', operation: 'GetFunction', resource },
      {
        service: 'lambda',
        operation: 'CreateFunction',
        resource,
        when: not('functionExists'),
        detail: `${describeCode(config)}, ${describeSettings(config)}, the environment above; retried up to 60 s while a new role propagates`,
      },
      {
        service: 'lambda',
        operation: 'GetFunction',
        resource,
        when: not('functionExists'),
        detail: 'waitUntilFunctionActiveV2 polls until the function is active',
      },
      {
        service: 'lambda',
        operation: 'GetFunction',
        resource,
        when: allOf(exists, fact('functionBusy')),
        detail: waitUpdated,
      },
      {
        service: 'lambda',
        operation: 'UpdateFunctionCode',
        resource,
        when: allOf(exists, fact('codeDiffers')),
        detail: `${describeCode(config)}, CodeSha256 ${target.zip?.sha256 ?? '(the zip, not built)'}`,
      },
      {
        service: 'lambda',
        operation: 'GetFunction',
        resource,
        when: allOf(exists, fact('codeDiffers')),
        detail: waitUpdated,
      },
      {
        service: 'lambda',
        operation: 'UpdateFunctionConfiguration',
        resource,
        when: allOf(exists, fact('configurationDiffers')),
        detail: 'every setting above; retried while a new role propagates',
      },
      {
        service: 'lambda',
        operation: 'GetFunction',
        resource,
        when: allOf(exists, fact('configurationDiffers')),
        detail: waitUpdated,
      },
    ];
  },
  async ensure(context, config, state) {
    const role = need(state.executionRole, 'the execution role');
    const fn = await ensureFunction(
      context,
      {
        functionName: config.functionName,
        description: DEFAULTS.functionDescription,
        runtime: config.runtime,
        handler: config.handler,
        timeoutSeconds: config.timeoutSeconds,
        memoryMb: config.memoryMb,
        roleArn: role.roleArn,
        roleName: config.roleName,
        environment: config.environment,
      },
      state.zip,
    );
    state.function = fn;
    state.facts.functionExists = fn.found.exists;
    if (fn.found.exists) {
      state.facts.functionBusy = fn.found.busy;
      state.facts.codeDiffers = fn.found.codeDiffers;
      state.facts.configurationDiffers = fn.found.configurationDiffers;
    }
  },
};

/** `destroy`: deletes the function. */
export const functionRemovalStep: DestroyStep = {
  name: 'function-removal',
  summary: (config) => [`function ${config.functionName}`],
  plan: (config) => [
    {
      service: 'lambda',
      operation: 'DeleteFunction',
      resource: `function ${config.functionName}`,
      detail: 'a missing one is reported as absent',
    },
  ],
  async ensure(context, config, state) {
    const deleted = await deleteFunction(context, config.functionName);
    state.facts.functionExists = deleted;
    context.reporter.step(deleted ? 'deleted' : 'absent', `function ${config.functionName}`);
  },
};
