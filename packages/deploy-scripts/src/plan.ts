import type { DeployConfig, DestroyConfig } from './config.js';
import { DEPLOY_STEPS } from './deploy-steps.js';
import { DESTROY_STEPS } from './destroy-steps.js';
import type { LambdaZip } from './lambda-zip.js';
import type { PlannedCall, PlanTarget } from './step.js';

/** The account id in a plan printed without credentials. */
export const ACCOUNT_PLACEHOLDER = '<account>';

const target = (region: string, zip: LambdaZip | undefined): PlanTarget => ({
  region,
  accountId: ACCOUNT_PLACEHOLDER,
  zip,
});

/** The short plan `deploy` prints before it starts: what each step will make, where, with which settings. */
export function formatDeploySummary(
  config: DeployConfig,
  region: string,
  zip: LambdaZip | undefined,
): string[] {
  return [
    `Deploy plan (region ${region}${config.profile ? `, profile ${config.profile}` : ''})`,
    ...DEPLOY_STEPS.flatMap((step) => step.summary?.(config, target(region, zip)) ?? []),
  ];
}

/** Every AWS call `deploy` may make for this configuration, step by step, each with its condition. */
export function buildDeployCalls(
  config: DeployConfig,
  region: string,
  zip: LambdaZip | undefined,
): PlannedCall[] {
  return DEPLOY_STEPS.flatMap((step) => step.plan(config, target(region, zip)));
}

/** The policy documents the deploy steps write, each under a heading, for the dry run. */
export function formatTrustPolicies(config: DeployConfig, region: string): string[] {
  return DEPLOY_STEPS.flatMap((step) => step.documents?.(config, target(region, undefined)) ?? []);
}

// No destroy call or summary names the region or the account: the dry run needs neither.
const destroyTarget = (config: DestroyConfig) => target(config.region ?? '<region>', undefined);

/** Every AWS call `destroy` may make, step by step, each with its condition. */
export function buildDestroyCalls(config: DestroyConfig): PlannedCall[] {
  return DESTROY_STEPS.flatMap((step) => step.plan(config, destroyTarget(config)));
}

/** What `destroy` removes, as the dry run and the confirmation question name it. */
export function describeDestroy(config: DestroyConfig): string {
  return DESTROY_STEPS.flatMap((step) => step.summary?.(config, destroyTarget(config)) ?? []).join(', ');
}
