import {
  type AuthorizerOptions,
  type DecisionLogLevel,
  type HttpApiResponse,
  readSettings,
  type SettingFile,
  type TokenLocation,
} from '@jwt-authorizer/authorizer-core';
import { decisionLogLevelFromLambda } from './decision-log.js';
import type { Environment } from './environment.js';

export type { HttpApiResponse };

/** Everything the handler is configured with, read once at cold start. */
export interface HandlerSettings {
  readonly authorizerOptions: AuthorizerOptions;
  readonly httpApiResponse: HttpApiResponse;
  /** `JWT_TOKEN_SOURCE`: where `REQUEST` and payload 2.0 events carry the token. */
  readonly tokenSource: readonly TokenLocation[];
  /** `JWT_DPOP_REPLAY_TABLE`: the DynamoDB table of DPoP proof identifiers; undefined: in memory. */
  readonly dpopReplayTable: string | undefined;
  /**
   * Which decisions are logged: `JWT_DECISION_LOG`, else what `AWS_LAMBDA_LOG_LEVEL` asks for
   * (WARN, ERROR, FATAL: `refusals`; otherwise `all`).
   */
  readonly decisionLog: DecisionLogLevel;
  /** `JWT_INTROSPECTION_CLIENT_SECRET_ID`: where the cold start reads the introspection client secret. */
  readonly introspectionClientSecretId: string | undefined;
  /** The files the settings named (routes, config, static JWKS). */
  readonly files: readonly SettingFile[];
}

export interface ReadHandlerSettingsOptions {
  /** The handler's own folder: relative `JWT_ROUTES_FILE` / `JWT_CONFIG_FILE` paths are resolved against it. */
  baseDir: string;
  /**
   * Refuse files outside `baseDir`. On Lambda (default there: `LAMBDA_TASK_ROOT` is set) every file
   * a setting names must have come with the zip.
   */
  confineToBaseDir?: boolean;
}

/**
 * Reads and validates the handler's settings through the core's settings table: the same reader
 * `fromEnv` and the deploy use, plus `JWT_HTTP_API_RESPONSE` (`simple` | `iam`), `JWT_TOKEN_SOURCE` and
 * `JWT_DECISION_LOG` (with `AWS_LAMBDA_LOG_LEVEL`). Empty values count
 * as unset; an unknown `JWT_*` variable is an error naming the closest known one.
 *
 * @throws {ConfigurationError} `CONFIG_INVALID` with `variable` and `setting` naming what to fix.
 * @example
 * const settings = readHandlerSettings(process.env, { baseDir: '/var/task' });
 */
export function readHandlerSettings(env: Environment, options: ReadHandlerSettingsOptions): HandlerSettings {
  const settings = readSettings(env, {
    baseDir: options.baseDir,
    // node:fs through process.getBuiltinModule: an ESM import of it also loads node:fs/promises
    // for the namespace (about 2.5 ms of every cold start on Node 24), named files or not.
    readFile: (path) => process.getBuiltinModule('node:fs').readFileSync(path, 'utf8'),
    confineToBaseDir: options.confineToBaseDir ?? env.LAMBDA_TASK_ROOT !== undefined,
  });
  return {
    ...settings,
    decisionLog: settings.decisionLog ?? decisionLogLevelFromLambda(env.AWS_LAMBDA_LOG_LEVEL),
  };
}
