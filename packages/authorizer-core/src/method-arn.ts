import { EventError } from './errors.js';

/** The parts of an execute-api method ARN (REST `methodArn`) or route ARN (HTTP API `routeArn`). */
export interface MethodArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
  readonly stage: string;
  /** HTTP verb, or `*`. */
  readonly method: string;
  /** The resource path without its leading slash (`pets/42`); empty for the root resource. */
  readonly resourcePath: string;
}

/**
 * Parses `arn:{partition}:execute-api:{region}:{account}:{apiId}/{stage}/{VERB}/{path}`.
 * The partition is read, never assumed (aws, aws-cn, aws-us-gov). Account and API id are not
 * checked for digits so emulators such as serverless-offline (`random-account-id`) work.
 *
 * @throws {EventError} `EVENT_INVALID` when the value is not such an ARN, or holds `*`, `?` or a
 *   blank anywhere before its path (the path itself is the caller's and may hold anything).
 * @example
 * parseMethodArn('arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets/42').stage // 'prod'
 */
export function parseMethodArn(arn: string): MethodArn {
  if (typeof arn !== 'string') throw new EventError('The event has no methodArn/routeArn');
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[2] !== 'execute-api') {
    throw new EventError('methodArn is not an execute-api ARN');
  }
  const [, partition, , region, accountId] = parts as [string, string, string, string, string];
  const resource = parts.slice(5).join(':');
  const slash1 = resource.indexOf('/');
  const slash2 = slash1 === -1 ? -1 : resource.indexOf('/', slash1 + 1);
  const slash3 = slash2 === -1 ? -1 : resource.indexOf('/', slash2 + 1);
  if (
    !/^aws(?:-[a-z]+)*$/.test(partition) ||
    region === '' ||
    accountId === '' ||
    slash1 <= 0 ||
    slash2 === -1
  ) {
    throw new EventError('methodArn must look like arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH');
  }
  const apiId = resource.slice(0, slash1);
  const stage = resource.slice(slash1 + 1, slash2);
  const method = slash3 === -1 ? resource.slice(slash2 + 1) : resource.slice(slash2 + 1, slash3);
  const resourcePath = slash3 === -1 ? '' : resource.slice(slash3 + 1);
  if (stage === '' || method === '') throw new EventError('methodArn lacks a stage or a method');
  // Everything before the path goes into policy resources as is (`{stage prefix}*`): an IAM wildcard
  // or a blank there would widen them to other APIs, stages or accounts. API Gateway never sends one.
  if (/[*?\s]/.test(slash3 === -1 ? arn : arn.slice(0, arn.length - resource.length + slash3))) {
    throw new EventError('methodArn holds a wildcard or a blank before its path');
  }
  return { partition, region, accountId, apiId, stage, method, resourcePath };
}

/** The ARN prefix shared by every route of the method ARN's API stage, ending in `/`. */
export function stageArnPrefix(arn: MethodArn): string {
  return `arn:${arn.partition}:execute-api:${arn.region}:${arn.accountId}:${arn.apiId}/${arn.stage}/`;
}

/** Formats a method ARN back to its string form. */
export function formatMethodArn(arn: MethodArn): string {
  return `${stageArnPrefix(arn)}${arn.method}/${arn.resourcePath}`;
}
