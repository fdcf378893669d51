import { DEFAULTS, RUNTIMES } from './config.js';

/** The CLI's commands. */
export type CommandName = 'deploy' | 'invoke' | 'destroy';

/** One flag: the parser and the help text are both made from this. */
export interface FlagSpec {
  /** The value's placeholder in the help (`PATH`); absent for a switch, which takes no value. */
  readonly value?: string;
  /** A one-letter alias (`-y`). */
  readonly short?: string;
  /** What it does, for the help; `\n` starts a continuation line. */
  readonly help: string;
  /** Given more than once, the values are joined with commas (`--cors-origin A --cors-origin B`). */
  readonly repeatable?: true;
}

/** Every flag of every command. */
export const FLAGS = {
  'dry-run': { help: 'print the calls it would make; makes none, needs no credentials' },
  zip: { value: 'PATH', help: 'upload this zip instead of building one' },
  'no-build': { help: 'use the zip already built, do not run the bundle task' },
  verbose: { help: "show the bundle build's own output (turbo, tsc, esbuild)" },
  'role-name': {
    value: 'NAME',
    help: `execution role (default ${DEFAULTS.roleName}, env ROLE_NAME); the invoker role is NAME-invoker`,
  },
  runtime: {
    value: 'RUNTIME',
    help: `Lambda runtime: ${RUNTIMES.join(' or ')} (default ${DEFAULTS.runtime})`,
  },
  memory: { value: 'MB', help: `memory size, 128-10240 (default ${DEFAULTS.memoryMb})` },
  timeout: { value: 'SECONDS', help: `function timeout, 1-900 (default ${DEFAULTS.timeoutSeconds})` },
  'rest-api-id': {
    value: 'ID',
    help: 'REST API of the authorizer (env REST_API_ID); without it there is no authorizer',
  },
  'http-api-id': {
    value: 'ID',
    help: 'HTTP API of the authorizer (env HTTP_API_ID): REQUEST, payload 2.0',
  },
  'websocket-api-id': {
    value: 'ID',
    help: 'WebSocket API of the authorizer (env WEBSOCKET_API_ID): REQUEST on $connect',
  },
  'authorizer-type': {
    value: 'TYPE',
    help: 'REST authorizer: token (default; the Authorization header) or request\n(any JWT_TOKEN_SOURCE; the sender-constrained rules need it)',
  },
  routes: {
    value: 'KEYS',
    help: 'with --attach on an HTTP API: only these routes, e.g. "GET /pets,POST /pets"',
  },
  'cors-origin': {
    value: 'ORIGIN',
    repeatable: true,
    help: "CORS origin (repeatable, or *) on the REST gateway responses or the\nHTTP API's CORS configuration",
  },
  detach: {
    help: 'set the routes that use the authorizer back to no authorization (opens them)',
  },
  stage: { value: 'NAME', help: "stage to deploy (env STAGE_NAME; default: the API's only stage)" },
  'authorizer-name': {
    value: 'NAME',
    help: `authorizer name (default ${DEFAULTS.authorizerName}, env AUTHORIZER_NAME)`,
  },
  ttl: { value: 'SECONDS', help: `authorizer result cache TTL, 0-3600 (default ${DEFAULTS.ttlSeconds})` },
  'validation-expression': {
    value: 'REGEX',
    help: `token validation expression (default ${DEFAULTS.identityValidationExpression})`,
  },
  'invoke-permission': {
    value: 'MODE',
    help: [
      'how API Gateway may invoke the function: role (default; a second role,',
      "NAME-invoker, may invoke this function only and is the authorizer's",
      'credentials; trusted by API Gateway, limited to this account and API only',
      'when API Gateway supplies the source keys, which AWS does not document) or',
      "resource-policy (Lambda AddPermission scoped to the API's authorizers: the",
      'confused-deputy guard AWS documents)',
    ].join('\n'),
  },
  attach: {
    help: 'put the authorizer on every method or route without authorization (not\nOPTIONS); on a WebSocket API on $connect',
  },
  redeploy: { help: 'deploy the stage even when nothing in API Gateway changed' },
  yes: { short: 'y', help: 'do not ask for confirmation' },
  event: {
    value: 'PATH',
    help: 'JSON event, e.g. {"type":"TOKEN","authorizationToken":"Bearer ...","methodArn":"..."}',
  },
  region: { value: 'REGION', help: "AWS region (else AWS_REGION, else the profile's region)" },
  profile: { value: 'NAME', help: 'named profile from ~/.aws/config (else AWS_PROFILE)' },
  'max-attempts': {
    value: 'N',
    help: 'attempts per AWS call, throttling retries included (SDK default: 3)',
  },
  'function-name': {
    value: 'NAME',
    help: `the Lambda function (default ${DEFAULTS.functionName}, env FUNCTION_NAME)`,
  },
  'env-file': { value: 'PATH', help: 'read settings from this file instead of the default .env' },
  help: { short: 'h', help: 'show this help' },
} as const satisfies Record<string, FlagSpec>;

/** A flag's long name. */
export type FlagName = keyof typeof FLAGS;

/** The flags every command accepts, listed under "Common options". */
export const COMMON_FLAGS: readonly FlagName[] = [
  'region',
  'profile',
  'max-attempts',
  'function-name',
  'env-file',
  'help',
];

/** Each command's own flags, in the order its help lists them. */
export const COMMAND_FLAGS: Readonly<Record<CommandName, readonly FlagName[]>> = {
  deploy: [
    'dry-run',
    'zip',
    'no-build',
    'verbose',
    'role-name',
    'runtime',
    'memory',
    'timeout',
    'rest-api-id',
    'http-api-id',
    'websocket-api-id',
    'stage',
    'authorizer-name',
    'authorizer-type',
    'ttl',
    'validation-expression',
    'invoke-permission',
    'attach',
    'routes',
    'cors-origin',
    'redeploy',
  ],
  invoke: ['event'],
  destroy: [
    'dry-run',
    'yes',
    'role-name',
    'rest-api-id',
    'http-api-id',
    'websocket-api-id',
    'authorizer-name',
    'detach',
  ],
};

/** Old flag names, refused with the new name as the suggestion. */
export const RENAMED_FLAGS: Readonly<Record<string, FlagName>> = { dotenv: 'env-file' };

/**
 * Every flag a command accepts: its own, then the common ones.
 *
 * @example
 * ```ts
 * getCommandFlags('invoke'); // ['event', 'region', …, 'help']
 * ```
 */
export function getCommandFlags(command: CommandName): readonly FlagName[] {
  return [...COMMAND_FLAGS[command], ...COMMON_FLAGS];
}

/**
 * How a flag reads in the help: `-y, --yes`, `--zip PATH`.
 *
 * @example
 * ```ts
 * formatFlagLabel('zip'); // '--zip PATH'
 * ```
 */
export function formatFlagLabel(name: FlagName): string {
  const spec: FlagSpec = FLAGS[name];
  const long = spec.value ? `--${name} ${spec.value}` : `--${name}`;
  return spec.short ? `-${spec.short}, ${long}` : long;
}
