import { type Authorizer, createAuthorizer } from '@jwt-authorizer/authorizer-core';
import { assertKnownOptions } from '@jwt-authorizer/authorizer-core/internal';
import { type DecisionLogOptions, writeStdout } from './decision-log.js';
import type { Environment } from './environment.js';
import { type AuthorizerHandler, createAuthorizerHandler } from './handler.js';
import { oversizedPolicyWarning } from './policy-size-warning.js';
import { createReplayTableStore } from './replay-table.js';
import { type HandlerSettings, readHandlerSettings } from './settings.js';

export interface StartHandlerOptions {
  /** The process environment (default `process.env`); the handler reads no `.env` file itself. */
  env?: Environment;
  /** The handler's own folder, which a relative `JWT_ROUTES_FILE` is resolved against. */
  baseDir: string;
  /** Per-invocation decision log options; `write` also receives the cold-start warning. */
  log?: DecisionLogOptions;
}

/** A configured handler, with what it was built from. */
export interface StartedHandler {
  readonly handler: AuthorizerHandler;
  readonly authorizer: Authorizer;
  readonly settings: HandlerSettings;
  /** Whether the JWKS could be fetched during the cold start. */
  readonly hydrated: boolean;
}

const OPTION_KEYS: Readonly<Record<keyof StartHandlerOptions, true>> = {
  env: true,
  baseDir: true,
  log: true,
};

/**
 * The cold start: reads the configuration once, from the environment (on Lambda there is no `.env`;
 * `invoke` and the demo apply the `.env` rule before the import), builds the authorizer, finds the
 * JWKS by OpenID discovery unless `JWKS_URI` is set and fetches it when reachable (an unreachable JWKS is logged, not fatal: the first request
 * retries), and creates the handler.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` naming the variable that is missing or malformed, or
 * `JWT_INTROSPECTION_CLIENT_SECRET_ID` when the secret it names cannot be read.
 * @example
 * const { handler } = await startHandler({ baseDir: '/var/task' });
 */
export async function startHandler(options: StartHandlerOptions): Promise<StartedHandler> {
  assertKnownOptions(options, Object.keys(OPTION_KEYS));
  const env = options.env ?? process.env;
  const settings = readHandlerSettings(env, { baseDir: options.baseDir });
  let authorizerOptions = settings.authorizerOptions;
  if (settings.dpopReplayTable !== undefined) {
    // Shared by every container; the AWS SDK is loaded now, during the (billed anyway) init phase.
    const replayStore = createReplayTableStore(settings.dpopReplayTable);
    await replayStore.warm();
    authorizerOptions = { ...authorizerOptions, dpop: { ...authorizerOptions.dpop, replayStore } };
  }
  if (settings.introspectionClientSecretId !== undefined) {
    // Read once per container, by a chunk (and an AWS SDK client) only this setting loads; a secret
    // that cannot be read fails the cold start, naming the setting.
    const { withIntrospectionClientSecret } = await import('./introspection-secret.js');
    authorizerOptions = await withIntrospectionClientSecret(
      authorizerOptions,
      settings.introspectionClientSecretId,
    );
  }
  const authorizer = createAuthorizer(authorizerOptions);
  const policyWarning = oversizedPolicyWarning(authorizer.options);
  if (policyWarning !== undefined) (options.log?.write ?? writeStdout)(policyWarning);
  let hydrated = true;
  try {
    await authorizer.hydrate();
  } catch (err) {
    hydrated = false;
    const code = (err as { code?: unknown }).code;
    const line = JSON.stringify({
      level: 'warn',
      msg: 'JWKS not reachable at cold start',
      reason: typeof code === 'string' ? code : 'JWKS_UNAVAILABLE',
      // URLs and the fix only: key and discovery errors never carry a token.
      detail: err instanceof Error ? err.message : undefined,
    });
    (options.log?.write ?? writeStdout)(line);
  }
  const handler = createAuthorizerHandler({
    authorizer,
    httpApiResponse: settings.httpApiResponse,
    tokenSource: settings.tokenSource,
    log: { ...options.log, level: options.log?.level ?? settings.decisionLog },
  });
  return { handler, authorizer, settings, hydrated };
}
