import { randomUUID } from 'node:crypto';
import {
  type APIGatewayClient,
  type Authorizer,
  BadRequestException,
  ConflictException,
  CreateAuthorizerCommand,
  CreateDeploymentCommand,
  DeleteAuthorizerCommand,
  DeleteGatewayResponseCommand,
  type GatewayResponse,
  GetAuthorizersCommand,
  GetGatewayResponsesCommand,
  GetResourcesCommand,
  GetRestApiCommand,
  GetStagesCommand,
  type Method,
  NotFoundException,
  type PatchOperation,
  PutGatewayResponseCommand,
  UpdateAuthorizerCommand,
  UpdateMethodCommand,
} from '@aws-sdk/client-api-gateway';
import {
  type ApiGatewayV2Client,
  type Cors,
  GetApiCommand,
  GetRoutesCommand,
  type Route,
  UpdateApiCommand,
  UpdateRouteCommand,
  type Authorizer as V2Authorizer,
  BadRequestException as V2BadRequestException,
  ConflictException as V2ConflictException,
  CreateAuthorizerCommand as V2CreateAuthorizerCommand,
  CreateDeploymentCommand as V2CreateDeploymentCommand,
  DeleteAuthorizerCommand as V2DeleteAuthorizerCommand,
  GetAuthorizersCommand as V2GetAuthorizersCommand,
  GetStagesCommand as V2GetStagesCommand,
  NotFoundException as V2NotFoundException,
  UpdateAuthorizerCommand as V2UpdateAuthorizerCommand,
} from '@aws-sdk/client-apigatewayv2';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  ResourceNotFoundException as DynamoResourceNotFoundException,
  ListTagsOfResourceCommand,
  ResourceInUseException,
  type TableDescription,
  type Tag,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteConflictException,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  EntityAlreadyExistsException,
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  type FunctionConfiguration,
  GetFunctionCommand,
  GetPolicyCommand,
  InvalidParameterValueException,
  InvokeCommand,
  type LambdaClient,
  RemovePermissionCommand,
  ResourceConflictException,
  ResourceNotFoundException,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { computeCodeSha256 } from '../../src/lambda-zip.js';

export const ACCOUNT_ID = '123456789012';
export const REGION = 'us-east-1';

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: randomUUID(), attempts: 1 });

interface FakeRole {
  arn: string;
  trust: string;
  description?: string;
  attached: Set<string>;
  inline: Map<string, string>;
  /** The fake clock when the role was created: IAM needs a while before other services can assume it. */
  createdAtMs: number;
}

/** A DynamoDB table: its description as DescribeTable returns it, its TTL and its tags. */
export interface FakeTable {
  description: TableDescription;
  ttl: { attribute: string; enabled: boolean } | undefined;
  tags: Tag[];
  /** DescribeTable calls left before a new table is ACTIVE. */
  creatingFor: number;
}

/**
 * The request context a service principal presents when it assumes a role; a key left out is absent
 * from the request context (not an empty value).
 */
export interface AssumeContext {
  service: string;
  sourceAccount?: string;
  sourceArn?: string;
}

/**
 * What API Gateway puts in the request context when it assumes an authorizer's credentials role. AWS
 * does not document it, so a test chooses: no `aws:SourceAccount`/`aws:SourceArn` at all, or both, the
 * source ARN in the authorizer form (`{apiId}/authorizers/{id}`) or the method form
 * (`{apiId}/{stage}/{VERB}/{path}`).
 */
export type ApiGatewaySourceKeys = 'absent' | 'authorizer-arn' | 'method-arn';

interface PolicyStatementModel {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
  Principal?: { Service?: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}

const asList = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM's `*` and `?` in ArnLike/StringLike: `*` matches any run of characters, line breaks included. */
function matchesIamPattern(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(value);
}

/**
 * Evaluates a Condition block the way IAM does for the operators the deploy uses, each also with the
 * `IfExists` suffix; any other operator denies.
 */
export function conditionHolds(
  condition: PolicyStatementModel['Condition'],
  context: Readonly<Record<string, string | undefined>>,
): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    const ifExists = operator.endsWith('IfExists');
    const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
    for (const [key, expected] of Object.entries(entries)) {
      const actual = Object.entries(context).find(([name]) => name.toLowerCase() === key.toLowerCase())?.[1];
      // A key missing from the request context makes an IfExists condition true and fails every other.
      if (actual === undefined) {
        if (ifExists) continue;
        return false;
      }
      const values = asList(expected);
      if (base === 'StringEquals' || base === 'ArnEquals') {
        if (!values.includes(actual)) return false;
      } else if (base === 'ArnLike' || base === 'StringLike') {
        if (!values.some((pattern) => matchesIamPattern(pattern, actual))) return false;
      } else {
        return false;
      }
    }
  }
  return true;
}

function readStatements(document: string): PolicyStatementModel[] {
  const parsed = JSON.parse(document) as { Statement?: PolicyStatementModel | PolicyStatementModel[] };
  return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
}

const LOGS_ONLY_POLICIES = new Set([
  'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  'arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
]);

interface FakeStatement {
  Sid: string;
  Effect: 'Allow';
  Principal: { Service: string };
  Action: string;
  Resource: string;
  Condition?: { ArnLike: Record<string, string> };
}

interface FakeFunction {
  configuration: FunctionConfiguration;
  statements: FakeStatement[];
}

interface FakeResource {
  id: string;
  path: string;
  resourceMethods: Record<string, Method>;
}

interface FakeDeployment {
  id: string;
  /** The authorizers as they were when the deployment was made: a stage serves this snapshot. */
  authorizers: Authorizer[];
  /** The customized gateway responses, likewise. */
  gatewayResponses?: GatewayResponse[];
}

interface FakeRestApi {
  name: string;
  /** The account the API belongs to: another account's API may name this account's role. */
  accountId: string;
  stages: string[];
  authorizers: Map<string, Authorizer>;
  resources: FakeResource[];
  deployments: FakeDeployment[];
  /** Customized gateway responses by type; every other type answers with API Gateway's default. */
  gatewayResponses: Map<string, GatewayResponse>;
}

/** An HTTP or WebSocket API (API Gateway v2). */
export interface FakeV2Api {
  name: string;
  protocol: 'HTTP' | 'WEBSOCKET';
  stages: { StageName: string; AutoDeploy: boolean }[];
  authorizers: Map<string, V2Authorizer>;
  routes: Route[];
  cors: Cors | undefined;
  /** Deployments made by CreateDeployment, by stage name. */
  deployments: { stageName: string; routes: Route[] }[];
}

type Operation = string;

/** Some of the gateway response types API Gateway lists for every REST API, with their default status. */
const DEFAULT_GATEWAY_RESPONSES = [
  ['DEFAULT_4XX', undefined],
  ['DEFAULT_5XX', undefined],
  ['UNAUTHORIZED', '401'],
  ['ACCESS_DENIED', '403'],
  ['AUTHORIZER_FAILURE', '500'],
  ['AUTHORIZER_CONFIGURATION_ERROR', '500'],
  ['MISSING_AUTHENTICATION_TOKEN', '403'],
] as const;

/**
 * An in-memory AWS account behind aws-sdk-client-mock: IAM, Lambda and API Gateway answer with the
 * real response shapes (URL-encoded policy documents, base64 CodeSha256, `item`/`items` lists) and the
 * real exception classes, so deploy can run twice against it.
 */
export class FakeAws {
  readonly roles = new Map<string, FakeRole>();
  readonly functions = new Map<string, FakeFunction>();
  readonly restApis = new Map<string, FakeRestApi>();
  readonly v2Apis = new Map<string, FakeV2Api>();
  readonly tables = new Map<string, FakeTable>();
  /** How many more CreateFunction/UpdateFunctionConfiguration calls fail as if the role had not propagated. */
  rolePropagationFailures = 0;
  /** What the function returns when invoked. */
  invokeResult: { payload: unknown; functionError?: string } = { payload: {} };
  /** How long (fake clock) a new role needs before API Gateway can assume it; 0 = at once. */
  iamPropagationMs = 0;
  /** The fake clock, advanced by the harness's sleep. */
  clockMs = 0;
  /** What API Gateway presents when it assumes an authorizer's credentials role (see {@link ApiGatewaySourceKeys}). */
  apiGatewaySourceKeys: ApiGatewaySourceKeys = 'authorizer-arn';
  /** Called after every call that succeeded, with its name: lets a test check an invariant at each step. */
  onOperation: ((operation: string) => void) | undefined;
  private readonly faults = new Map<Operation, unknown[]>();
  private nextId = 1;
  private readonly log: Operation[] = [];

  readonly iam: AwsClientStub<IAMClient>;
  readonly lambda: AwsClientStub<LambdaClient>;
  readonly apiGateway: AwsClientStub<APIGatewayClient>;
  readonly apiGatewayV2: AwsClientStub<ApiGatewayV2Client>;
  readonly dynamodb: AwsClientStub<DynamoDBClient>;

  constructor(clients: {
    iam: IAMClient;
    lambda: LambdaClient;
    apiGateway: APIGatewayClient;
    apiGatewayV2: ApiGatewayV2Client;
    dynamodb: DynamoDBClient;
  }) {
    this.iam = mockClient(clients.iam);
    this.lambda = mockClient(clients.lambda);
    this.apiGateway = mockClient(clients.apiGateway);
    this.apiGatewayV2 = mockClient(clients.apiGatewayV2);
    this.installIam(this.iam);
    this.installLambda(this.lambda);
    this.installApiGateway(this.apiGateway);
    this.installApiGatewayV2(this.apiGatewayV2);
    this.dynamodb = mockClient(clients.dynamodb);
    this.installDynamoDb(this.dynamodb);
  }

  /** Adds a DynamoDB table (key `jti` string unless `keySchema` says otherwise), ACTIVE, without TTL or tags. */
  addTable(
    name: string,
    options: { key?: string; sortKey?: string; ttl?: FakeTable['ttl']; tags?: Tag[] } = {},
  ): FakeTable {
    const key = options.key ?? 'jti';
    const table: FakeTable = {
      description: {
        TableName: name,
        TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`,
        TableStatus: 'ACTIVE',
        KeySchema: [
          { AttributeName: key, KeyType: 'HASH' },
          ...(options.sortKey ? [{ AttributeName: options.sortKey, KeyType: 'RANGE' as const }] : []),
        ],
        AttributeDefinitions: [
          { AttributeName: key, AttributeType: 'S' },
          ...(options.sortKey ? [{ AttributeName: options.sortKey, AttributeType: 'S' as const }] : []),
        ],
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      },
      ttl: options.ttl,
      tags: options.tags ?? [],
      creatingFor: 0,
    };
    this.tables.set(name, table);
    return table;
  }

  private table(name: string | undefined): FakeTable {
    const table = this.tables.get(name ?? '');
    if (!table) {
      throw new DynamoResourceNotFoundException({
        $metadata: metadata(400),
        message: `Requested resource not found: Table: ${name} not found`,
      });
    }
    return table;
  }

  private installDynamoDb(stub: AwsClientStub<DynamoDBClient>) {
    stub.on(DescribeTableCommand).callsFake((input) =>
      this.run('DescribeTable', () => {
        const table = this.table(input.TableName);
        // A new table is CREATING for a while, then ACTIVE.
        if (table.creatingFor > 0 && --table.creatingFor === 0) table.description.TableStatus = 'ACTIVE';
        return { $metadata: metadata(200), Table: structuredClone(table.description) };
      }),
    );
    stub.on(CreateTableCommand).callsFake((input) =>
      this.run('CreateTable', () => {
        if (this.tables.has(input.TableName ?? '')) {
          throw new ResourceInUseException({
            $metadata: metadata(400),
            message: `Table already exists: ${input.TableName}`,
          });
        }
        const name = input.TableName ?? '';
        const table: FakeTable = {
          description: {
            TableName: name,
            TableArn: `arn:aws:dynamodb:${REGION}:${ACCOUNT_ID}:table/${name}`,
            TableStatus: 'CREATING',
            KeySchema: input.KeySchema,
            AttributeDefinitions: input.AttributeDefinitions,
            ...(input.BillingMode ? { BillingModeSummary: { BillingMode: input.BillingMode } } : {}),
          },
          ttl: undefined,
          tags: input.Tags ?? [],
          creatingFor: 1,
        };
        this.tables.set(name, table);
        return { $metadata: metadata(200), TableDescription: structuredClone(table.description) };
      }),
    );
    stub.on(DescribeTimeToLiveCommand).callsFake((input) =>
      this.run('DescribeTimeToLive', () => {
        const { ttl } = this.table(input.TableName);
        return {
          $metadata: metadata(200),
          TimeToLiveDescription:
            ttl === undefined
              ? { TimeToLiveStatus: 'DISABLED' as const }
              : {
                  TimeToLiveStatus: ttl.enabled ? ('ENABLED' as const) : ('DISABLED' as const),
                  AttributeName: ttl.attribute,
                },
        };
      }),
    );
    stub.on(UpdateTimeToLiveCommand).callsFake((input) =>
      this.run('UpdateTimeToLive', () => {
        const table = this.table(input.TableName);
        if (table.description.TableStatus !== 'ACTIVE') {
          throw new ResourceInUseException({ $metadata: metadata(400), message: 'Table is being created' });
        }
        const spec = input.TimeToLiveSpecification;
        table.ttl = { attribute: spec?.AttributeName ?? '', enabled: spec?.Enabled === true };
        return { $metadata: metadata(200), TimeToLiveSpecification: spec };
      }),
    );
    stub.on(ListTagsOfResourceCommand).callsFake((input) =>
      this.run('ListTagsOfResource', () => {
        const table = [...this.tables.values()].find((t) => t.description.TableArn === input.ResourceArn);
        if (!table) {
          throw new DynamoResourceNotFoundException({
            $metadata: metadata(400),
            message: `Requested resource not found: ResourcArn: ${input.ResourceArn} not found`,
          });
        }
        return { $metadata: metadata(200), Tags: structuredClone(table.tags) };
      }),
    );
    stub.on(DeleteTableCommand).callsFake((input) =>
      this.run('DeleteTable', () => {
        const table = this.table(input.TableName);
        this.tables.delete(input.TableName ?? '');
        return {
          $metadata: metadata(200),
          TableDescription: { ...structuredClone(table.description), TableStatus: 'DELETING' as const },
        };
      }),
    );
  }

  /** Adds an HTTP or WebSocket API with stages and routes (route keys, all without authorization). */
  addV2Api(
    id: string,
    options: {
      protocol?: 'HTTP' | 'WEBSOCKET';
      stages?: { StageName: string; AutoDeploy: boolean }[];
      routeKeys?: string[];
      cors?: Cors;
    } = {},
  ): FakeV2Api {
    const protocol = options.protocol ?? 'HTTP';
    const api: FakeV2Api = {
      name: `api-${id}`,
      protocol,
      stages: options.stages ?? [
        protocol === 'HTTP'
          ? { StageName: '$default', AutoDeploy: true }
          : { StageName: 'prod', AutoDeploy: false },
      ],
      authorizers: new Map(),
      routes: (options.routeKeys ?? (protocol === 'HTTP' ? ['GET /pets'] : ['$connect', '$default'])).map(
        (RouteKey) => ({ RouteKey, RouteId: `route${this.nextId++}`, AuthorizationType: 'NONE' as const }),
      ),
      cors: options.cors,
      deployments: [],
    };
    this.v2Apis.set(id, api);
    return api;
  }

  /** Makes the next call of `operation` fail with `error` (queued: several calls fail in turn). */
  failNext(operation: Operation, ...errors: unknown[]): void {
    this.faults.set(operation, [...(this.faults.get(operation) ?? []), ...errors]);
  }

  /** Names of every command sent so far, in order (`CreateRole`, …). */
  sentOperations(): string[] {
    return [...this.log];
  }

  /** The commands sent that change something (everything but Get*, List* and Invoke). */
  mutatingOperations(): string[] {
    return this.sentOperations().filter((name) => !/^(Get|List|Describe)/.test(name) && name !== 'Invoke');
  }

  /** Forgets the calls recorded so far (the state stays). */
  resetHistory(): void {
    this.log.length = 0;
    this.iam.resetHistory();
    this.lambda.resetHistory();
    this.apiGateway.resetHistory();
    this.apiGatewayV2.resetHistory();
    this.dynamodb.resetHistory();
  }

  /** Adds a REST API with stages and resources, in this account unless `accountId` names another. */
  addRestApi(
    id: string,
    options: { stages?: string[]; methods?: Record<string, Record<string, Method>>; accountId?: string } = {},
  ) {
    const resources = Object.entries(options.methods ?? { '/': {} }).map(([path, methods]) => ({
      id: `res${this.nextId++}`,
      path,
      resourceMethods: methods,
    }));
    this.restApis.set(id, {
      name: `api-${id}`,
      accountId: options.accountId ?? ACCOUNT_ID,
      stages: options.stages ?? ['prod'],
      authorizers: new Map(),
      resources,
      deployments: [],
      gatewayResponses: new Map(),
    });
  }

  private run<T>(operation: Operation, handler: () => T): Promise<T> {
    this.log.push(operation);
    const queued = this.faults.get(operation);
    if (queued && queued.length > 0) return Promise.reject(queued.shift());
    try {
      const result = handler();
      this.onOperation?.(operation);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Moves the fake clock on (the harness's sleep calls this). */
  advanceClock(ms: number): void {
    this.clockMs += ms;
  }

  /** Adds a role as it already exists in the account (for migrations from an earlier deploy). */
  addRole(
    name: string,
    options: { trust: unknown; attached?: string[]; inline?: Record<string, unknown>; description?: string },
  ): void {
    this.roles.set(name, {
      arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
      trust: JSON.stringify(options.trust),
      ...(options.description ? { description: options.description } : {}),
      attached: new Set(options.attached ?? []),
      inline: new Map(
        Object.entries(options.inline ?? {}).map(([key, value]) => [key, JSON.stringify(value)]),
      ),
      createdAtMs: this.clockMs - 3_600_000,
    });
  }

  /** Tells whether `context.service` may assume the role now: trust policy, conditions and propagation. */
  canAssume(roleName: string, context: AssumeContext): boolean {
    const role = this.roles.get(roleName);
    if (!role || this.clockMs - role.createdAtMs < this.iamPropagationMs) return false;
    const keys = { 'aws:SourceAccount': context.sourceAccount, 'aws:SourceArn': context.sourceArn };
    return readStatements(role.trust).some(
      (statement) =>
        statement.Effect === 'Allow' &&
        asList(statement.Action).includes('sts:AssumeRole') &&
        asList(statement.Principal?.Service).includes(context.service) &&
        conditionHolds(statement.Condition, keys),
    );
  }

  /** Tells whether the role's own policies allow `lambda:InvokeFunction` on the function. */
  roleCanInvoke(roleName: string, functionArn: string): boolean {
    const role = this.roles.get(roleName);
    if (!role) return false;
    for (const arn of role.attached) {
      if (!LOGS_ONLY_POLICIES.has(arn)) throw new Error(`the fake does not model managed policy ${arn}`);
    }
    return [...role.inline.values()].some((document) =>
      readStatements(document).some(
        (statement) =>
          statement.Effect === 'Allow' &&
          asList(statement.Action).some((action) => matchesIamPattern(action, 'lambda:InvokeFunction')) &&
          asList(statement.Resource).some((resource) => matchesIamPattern(resource, functionArn)),
      ),
    );
  }

  /**
   * Tells whether API Gateway can invoke the authorizer function of the stage's current deployment, the
   * way it does at request time: through the authorizer's credentials role (presenting the keys
   * {@link apiGatewaySourceKeys} says, with the API's own account and ARN), else the resource policy.
   */
  apiGatewayCanInvoke(restApiId: string, authorizerName: string): boolean {
    const api = this.restApis.get(restApiId);
    const deployment = api?.deployments.at(-1);
    const authorizer = deployment?.authorizers.find((item) => item.name === authorizerName);
    const functionArn = /functions\/(.+)\/invocations$/.exec(authorizer?.authorizerUri ?? '')?.[1];
    const fn = [...this.functions.values()].find((item) => item.configuration.FunctionArn === functionArn);
    if (!api || !authorizer || !functionArn || !fn) return false;
    const apiArn = `arn:aws:execute-api:${REGION}:${api.accountId}:${restApiId}`;
    const authorizerArn = `${apiArn}/authorizers/${authorizer.id}`;
    if (authorizer.authorizerCredentials) {
      const roleName = [...this.roles.entries()].find(
        ([, role]) => role.arn === authorizer.authorizerCredentials,
      )?.[0];
      const method = api.resources
        .flatMap((resource) =>
          Object.values(resource.resourceMethods)
            .filter((item) => item.authorizerId === authorizer.id)
            .map((item) => `${item.httpMethod}${resource.path}`),
        )
        .at(0);
      const methodArn = `${apiArn}/${api.stages[0] ?? 'prod'}/${method ?? 'GET/'}`;
      const keys =
        this.apiGatewaySourceKeys === 'absent'
          ? {}
          : {
              sourceAccount: api.accountId,
              sourceArn: this.apiGatewaySourceKeys === 'authorizer-arn' ? authorizerArn : methodArn,
            };
      return (
        roleName !== undefined &&
        this.canAssume(roleName, { service: 'apigateway.amazonaws.com', ...keys }) &&
        this.roleCanInvoke(roleName, functionArn)
      );
    }
    // For a Lambda resource policy AWS documents the source ARN: the authorizer's.
    return fn.statements.some(
      (statement) =>
        statement.Principal.Service === 'apigateway.amazonaws.com' &&
        statement.Action === 'lambda:InvokeFunction' &&
        conditionHolds(statement.Condition, { 'AWS:SourceArn': authorizerArn }),
    );
  }

  private role(name: string | undefined): FakeRole {
    const role = this.roles.get(name ?? '');
    if (!role) {
      throw new NoSuchEntityException({
        $metadata: metadata(404),
        message: `The role with name ${name} cannot be found.`,
      });
    }
    return role;
  }

  private installIam(stub: AwsClientStub<IAMClient>) {
    stub.on(GetRoleCommand).callsFake((input) =>
      this.run('GetRole', () => {
        const role = this.role(input.RoleName);
        return {
          $metadata: metadata(200),
          Role: {
            RoleName: input.RoleName,
            Arn: role.arn,
            Path: '/',
            RoleId: 'AROAEXAMPLE',
            CreateDate: new Date(),
            AssumeRolePolicyDocument: encodeURIComponent(role.trust),
            ...(role.description === undefined ? {} : { Description: role.description }),
          },
        };
      }),
    );
    stub.on(CreateRoleCommand).callsFake((input) =>
      this.run('CreateRole', () => {
        const name = input.RoleName ?? '';
        if (this.roles.has(name)) {
          throw new EntityAlreadyExistsException({
            $metadata: metadata(409),
            message: `Role with name ${name} already exists.`,
          });
        }
        const trust = JSON.parse(input.AssumeRolePolicyDocument ?? '{}') as { Version?: string };
        if (trust.Version !== '2012-10-17') {
          throw new MalformedPolicyDocumentException({
            $metadata: metadata(400),
            message: 'Syntax errors in policy.',
          });
        }
        const role: FakeRole = {
          arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}`,
          trust: input.AssumeRolePolicyDocument ?? '',
          ...(input.Description === undefined ? {} : { description: input.Description }),
          attached: new Set<string>(),
          inline: new Map<string, string>(),
          createdAtMs: this.clockMs,
        };
        this.roles.set(name, role);
        return {
          $metadata: metadata(200),
          Role: {
            RoleName: name,
            Arn: role.arn,
            Path: '/',
            RoleId: 'AROA',
            CreateDate: new Date(),
            AssumeRolePolicyDocument: encodeURIComponent(role.trust),
            ...(role.description === undefined ? {} : { Description: role.description }),
          },
        };
      }),
    );
    stub.on(UpdateAssumeRolePolicyCommand).callsFake((input) =>
      this.run('UpdateAssumeRolePolicy', () => {
        this.role(input.RoleName).trust = input.PolicyDocument ?? '';
        return { $metadata: metadata(200) };
      }),
    );
    stub.on(ListAttachedRolePoliciesCommand).callsFake((input) =>
      this.run('ListAttachedRolePolicies', () => ({
        $metadata: metadata(200),
        IsTruncated: false,
        AttachedPolicies: [...this.role(input.RoleName).attached].map((arn) => ({
          PolicyArn: arn,
          PolicyName: arn.split('/').pop(),
        })),
      })),
    );
    stub.on(AttachRolePolicyCommand).callsFake((input) =>
      this.run('AttachRolePolicy', () => {
        this.role(input.RoleName).attached.add(input.PolicyArn ?? '');
        return { $metadata: metadata(200) };
      }),
    );
    stub.on(DetachRolePolicyCommand).callsFake((input) =>
      this.run('DetachRolePolicy', () => {
        this.role(input.RoleName).attached.delete(input.PolicyArn ?? '');
        return { $metadata: metadata(200) };
      }),
    );
    stub.on(GetRolePolicyCommand).callsFake((input) =>
      this.run('GetRolePolicy', () => {
        const document = this.role(input.RoleName).inline.get(input.PolicyName ?? '');
        if (document === undefined) {
          throw new NoSuchEntityException({
            $metadata: metadata(404),
            message: `The role policy with name ${input.PolicyName} cannot be found.`,
          });
        }
        return {
          $metadata: metadata(200),
          RoleName: input.RoleName,
          PolicyName: input.PolicyName,
          PolicyDocument: encodeURIComponent(document),
        };
      }),
    );
    stub.on(PutRolePolicyCommand).callsFake((input) =>
      this.run('PutRolePolicy', () => {
        this.role(input.RoleName).inline.set(input.PolicyName ?? '', input.PolicyDocument ?? '');
        return { $metadata: metadata(200) };
      }),
    );
    stub.on(ListRolePoliciesCommand).callsFake((input) =>
      this.run('ListRolePolicies', () => ({
        $metadata: metadata(200),
        IsTruncated: false,
        PolicyNames: [...this.role(input.RoleName).inline.keys()],
      })),
    );
    stub.on(DeleteRolePolicyCommand).callsFake((input) =>
      this.run('DeleteRolePolicy', () => {
        if (!this.role(input.RoleName).inline.delete(input.PolicyName ?? '')) {
          throw new NoSuchEntityException({
            $metadata: metadata(404),
            message: `The role policy with name ${input.PolicyName} cannot be found.`,
          });
        }
        return { $metadata: metadata(200) };
      }),
    );
    stub.on(DeleteRoleCommand).callsFake((input) =>
      this.run('DeleteRole', () => {
        const role = this.role(input.RoleName);
        if (role.attached.size > 0 || role.inline.size > 0) {
          throw new DeleteConflictException({
            $metadata: metadata(409),
            message: 'Cannot delete entity, must detach all policies first.',
          });
        }
        this.roles.delete(input.RoleName ?? '');
        return { $metadata: metadata(200) };
      }),
    );
  }

  private fn(name: string | undefined): FakeFunction {
    const found = this.functions.get(name ?? '');
    if (!found) {
      throw new ResourceNotFoundException({
        $metadata: metadata(404),
        message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`,
        Type: 'User',
      });
    }
    return found;
  }

  private failIfRoleNotPropagated() {
    if (this.rolePropagationFailures > 0) {
      this.rolePropagationFailures -= 1;
      throw new InvalidParameterValueException({
        $metadata: metadata(400),
        message: 'The role defined for the function cannot be assumed by Lambda.',
        Type: 'User',
      });
    }
  }

  private installLambda(stub: AwsClientStub<LambdaClient>) {
    stub.on(GetFunctionCommand).callsFake((input) =>
      this.run('GetFunction', () => ({
        $metadata: metadata(200),
        Configuration: structuredClone(this.fn(input.FunctionName).configuration),
        Code: {
          RepositoryType: 'S3',
          Location: 'https://awslambda-us-east-1-tasks.s3.amazonaws.com/snapshots/x',
        },
      })),
    );
    stub.on(CreateFunctionCommand).callsFake((input) =>
      this.run('CreateFunction', () => {
        const name = input.FunctionName ?? '';
        if (this.functions.has(name)) {
          throw new ResourceConflictException({
            $metadata: metadata(409),
            message: `Function already exist: ${name}`,
            Type: 'User',
          });
        }
        this.failIfRoleNotPropagated();
        const configuration: FunctionConfiguration = {
          FunctionName: name,
          FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${name}`,
          Runtime: input.Runtime,
          Role: input.Role,
          Handler: input.Handler,
          Description: input.Description ?? '',
          Timeout: input.Timeout ?? 3,
          MemorySize: input.MemorySize ?? 128,
          CodeSha256: computeCodeSha256(input.Code?.ZipFile ?? new Uint8Array()),
          CodeSize: input.Code?.ZipFile?.length ?? 0,
          Version: '$LATEST',
          PackageType: 'Zip',
          Architectures: ['x86_64'],
          State: 'Active',
          LastUpdateStatus: 'Successful',
          ...(input.Environment?.Variables
            ? { Environment: { Variables: { ...input.Environment.Variables } } }
            : {}),
        };
        this.functions.set(name, { configuration, statements: [] });
        return { $metadata: metadata(201), ...structuredClone(configuration), State: 'Pending' as const };
      }),
    );
    stub.on(UpdateFunctionCodeCommand).callsFake((input) =>
      this.run('UpdateFunctionCode', () => {
        const { configuration } = this.fn(input.FunctionName);
        configuration.CodeSha256 = computeCodeSha256(input.ZipFile ?? new Uint8Array());
        configuration.LastUpdateStatus = 'Successful';
        return {
          $metadata: metadata(200),
          ...structuredClone(configuration),
          LastUpdateStatus: 'InProgress' as const,
        };
      }),
    );
    stub.on(UpdateFunctionConfigurationCommand).callsFake((input) =>
      this.run('UpdateFunctionConfiguration', () => {
        const { configuration } = this.fn(input.FunctionName);
        this.failIfRoleNotPropagated();
        Object.assign(configuration, {
          ...(input.Runtime ? { Runtime: input.Runtime } : {}),
          ...(input.Handler ? { Handler: input.Handler } : {}),
          ...(input.Role ? { Role: input.Role } : {}),
          ...(input.Timeout ? { Timeout: input.Timeout } : {}),
          ...(input.MemorySize ? { MemorySize: input.MemorySize } : {}),
          ...(input.Description !== undefined ? { Description: input.Description } : {}),
          ...(input.Environment ? { Environment: { Variables: { ...input.Environment.Variables } } } : {}),
        });
        return {
          $metadata: metadata(200),
          ...structuredClone(configuration),
          LastUpdateStatus: 'InProgress' as const,
        };
      }),
    );
    stub.on(GetPolicyCommand).callsFake((input) =>
      this.run('GetPolicy', () => {
        const found = this.fn(input.FunctionName);
        if (found.statements.length === 0) {
          throw new ResourceNotFoundException({
            $metadata: metadata(404),
            message: 'The resource you requested does not exist.',
            Type: 'User',
          });
        }
        return {
          $metadata: metadata(200),
          Policy: JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: found.statements }),
          RevisionId: randomUUID(),
        };
      }),
    );
    stub.on(AddPermissionCommand).callsFake((input) =>
      this.run('AddPermission', () => {
        const found = this.fn(input.FunctionName);
        if (found.statements.some((statement) => statement.Sid === input.StatementId)) {
          throw new ResourceConflictException({
            $metadata: metadata(409),
            message: `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
            Type: 'User',
          });
        }
        const statement: FakeStatement = {
          Sid: input.StatementId ?? '',
          Effect: 'Allow',
          Principal: { Service: input.Principal ?? '' },
          Action: input.Action ?? '',
          Resource: found.configuration.FunctionArn ?? '',
          ...(input.SourceArn ? { Condition: { ArnLike: { 'AWS:SourceArn': input.SourceArn } } } : {}),
        };
        found.statements.push(statement);
        return { $metadata: metadata(201), Statement: JSON.stringify(statement) };
      }),
    );
    stub.on(RemovePermissionCommand).callsFake((input) =>
      this.run('RemovePermission', () => {
        const found = this.fn(input.FunctionName);
        found.statements = found.statements.filter((statement) => statement.Sid !== input.StatementId);
        return { $metadata: metadata(204) };
      }),
    );
    stub.on(DeleteFunctionCommand).callsFake((input) =>
      this.run('DeleteFunction', () => {
        this.fn(input.FunctionName);
        this.functions.delete(input.FunctionName ?? '');
        return { $metadata: metadata(204) };
      }),
    );
    stub.on(InvokeCommand).callsFake((input) =>
      this.run('Invoke', () => {
        this.fn(input.FunctionName);
        const body = new TextEncoder().encode(JSON.stringify(this.invokeResult.payload));
        return {
          $metadata: metadata(200),
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          Payload: body,
          ...(this.invokeResult.functionError ? { FunctionError: this.invokeResult.functionError } : {}),
        };
      }),
    );
  }

  private api(id: string | undefined): FakeRestApi {
    const api = this.restApis.get(id ?? '');
    if (!api) {
      throw new NotFoundException({
        $metadata: metadata(404),
        message: `Invalid API identifier specified ${ACCOUNT_ID}:${id}`,
      });
    }
    return api;
  }

  private installApiGateway(stub: AwsClientStub<APIGatewayClient>) {
    stub.on(GetRestApiCommand).callsFake((input) =>
      this.run('GetRestApi', () => {
        const api = this.api(input.restApiId);
        return { $metadata: metadata(200), id: input.restApiId, name: api.name, createdDate: new Date() };
      }),
    );
    stub.on(GetStagesCommand).callsFake((input) =>
      this.run('GetStages', () => ({
        $metadata: metadata(200),
        item: this.api(input.restApiId).stages.map((stageName) => ({ stageName, deploymentId: 'dep0' })),
      })),
    );
    stub.on(GetAuthorizersCommand).callsFake((input) =>
      this.run('GetAuthorizers', () => ({
        $metadata: metadata(200),
        items: [...this.api(input.restApiId).authorizers.values()].map((item) => ({ ...item })),
      })),
    );
    stub.on(CreateAuthorizerCommand).callsFake((input) =>
      this.run('CreateAuthorizer', () => {
        const api = this.api(input.restApiId);
        const id = `auth${this.nextId++}`;
        const authorizer: Authorizer = {
          id,
          name: input.name,
          type: input.type,
          authType: 'custom',
          authorizerUri: input.authorizerUri,
          ...(input.authorizerCredentials ? { authorizerCredentials: input.authorizerCredentials } : {}),
          identitySource: input.identitySource,
          identityValidationExpression: input.identityValidationExpression,
          authorizerResultTtlInSeconds: input.authorizerResultTtlInSeconds ?? 300,
        };
        api.authorizers.set(id, authorizer);
        return { $metadata: metadata(201), ...authorizer };
      }),
    );
    stub.on(UpdateAuthorizerCommand).callsFake((input) =>
      this.run('UpdateAuthorizer', () => {
        const authorizer = this.api(input.restApiId).authorizers.get(input.authorizerId ?? '');
        if (!authorizer)
          throw new NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Authorizer identifier specified',
          });
        applyPatch(authorizer as Record<string, unknown>, input.patchOperations ?? []);
        return { $metadata: metadata(200), ...authorizer };
      }),
    );
    stub.on(DeleteAuthorizerCommand).callsFake((input) =>
      this.run('DeleteAuthorizer', () => {
        const api = this.api(input.restApiId);
        const inUse = api.resources.some((resource) =>
          Object.values(resource.resourceMethods).some(
            (method) => method.authorizerId === input.authorizerId,
          ),
        );
        if (inUse) {
          throw new ConflictException({
            $metadata: metadata(409),
            message: `Cannot delete authorizer '${input.authorizerId}', is referenced in method`,
          });
        }
        if (!api.authorizers.delete(input.authorizerId ?? '')) {
          throw new NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Authorizer identifier specified',
          });
        }
        return { $metadata: metadata(202) };
      }),
    );
    stub.on(GetGatewayResponsesCommand).callsFake((input) =>
      this.run('GetGatewayResponses', () => {
        const api = this.api(input.restApiId);
        return {
          $metadata: metadata(200),
          items: DEFAULT_GATEWAY_RESPONSES.map(
            ([responseType, statusCode]) =>
              structuredClone(api.gatewayResponses.get(responseType)) ?? {
                responseType,
                statusCode,
                responseParameters: {},
                responseTemplates: { 'application/json': '{"message":$context.error.messageString}' },
                defaultResponse: true,
              },
          ),
        };
      }),
    );
    stub.on(PutGatewayResponseCommand).callsFake((input) =>
      this.run('PutGatewayResponse', () => {
        const api = this.api(input.restApiId);
        for (const [name, value] of Object.entries(input.responseParameters ?? {}) as [string, string][]) {
          // A static value is a string in single quotes; anything else names a request parameter.
          if (!/^gatewayresponse\.header\.[-A-Za-z0-9]+$/.test(name) || !/^'[^']*'$/.test(value)) {
            throw new BadRequestException({
              $metadata: metadata(400),
              message: `Invalid mapping expression specified: Validation Result: warnings : [], errors : [Invalid mapping expression specified: ${value}]`,
            });
          }
        }
        const response: GatewayResponse = {
          responseType: input.responseType,
          ...(input.statusCode ? { statusCode: input.statusCode } : {}),
          responseParameters: { ...input.responseParameters },
          responseTemplates: { ...input.responseTemplates },
          defaultResponse: false,
        };
        api.gatewayResponses.set(input.responseType ?? '', response);
        return { $metadata: metadata(201), ...structuredClone(response) };
      }),
    );
    stub.on(DeleteGatewayResponseCommand).callsFake((input) =>
      this.run('DeleteGatewayResponse', () => {
        if (!this.api(input.restApiId).gatewayResponses.delete(input.responseType ?? '')) {
          throw new NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Gateway Response type specified',
          });
        }
        return { $metadata: metadata(202) };
      }),
    );
    stub.on(GetResourcesCommand).callsFake((input) =>
      this.run('GetResources', () => ({
        $metadata: metadata(200),
        items: this.api(input.restApiId).resources.map((resource) => structuredClone(resource)),
      })),
    );
    stub.on(UpdateMethodCommand).callsFake((input) =>
      this.run('UpdateMethod', () => {
        const resource = this.api(input.restApiId).resources.find((item) => item.id === input.resourceId);
        const method = resource?.resourceMethods[input.httpMethod ?? ''];
        if (!method)
          throw new NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Method identifier specified',
          });
        applyPatch(method as Record<string, unknown>, input.patchOperations ?? []);
        if (method.authorizationType === 'NONE') delete method.authorizerId;
        return { $metadata: metadata(200), ...method };
      }),
    );
    stub.on(CreateDeploymentCommand).callsFake((input) =>
      this.run('CreateDeployment', () => {
        const api = this.api(input.restApiId);
        const id = `dep${this.nextId++}`;
        api.deployments.push({
          id,
          authorizers: structuredClone([...api.authorizers.values()]),
          gatewayResponses: structuredClone([...api.gatewayResponses.values()]),
        });
        if (input.stageName && !api.stages.includes(input.stageName)) api.stages.push(input.stageName);
        return { $metadata: metadata(201), id, createdDate: new Date() };
      }),
    );
  }

  private v2Api(id: string | undefined): FakeV2Api {
    const api = this.v2Apis.get(id ?? '');
    if (!api) {
      throw new V2NotFoundException({
        $metadata: metadata(404),
        message: `Invalid API identifier specified ${ACCOUNT_ID}:${id}`,
        ResourceType: 'Api',
      });
    }
    return api;
  }

  /** The checks API Gateway makes on a Lambda authorizer's fields, as BadRequestException. */
  private checkV2Authorizer(api: FakeV2Api, authorizer: V2Authorizer) {
    const bad = (message: string) => new V2BadRequestException({ $metadata: metadata(400), message });
    if (authorizer.AuthorizerType !== 'REQUEST') throw bad('Only REQUEST authorizers are modelled');
    if (api.protocol === 'HTTP') {
      if (
        authorizer.AuthorizerPayloadFormatVersion !== '1.0' &&
        authorizer.AuthorizerPayloadFormatVersion !== '2.0'
      ) {
        throw bad('AuthorizerPayloadFormatVersion is required for REQUEST authorizers');
      }
      if (authorizer.EnableSimpleResponses && authorizer.AuthorizerPayloadFormatVersion !== '2.0') {
        throw bad('Simple responses are only supported with payload format version 2.0');
      }
      if (
        (authorizer.AuthorizerResultTtlInSeconds ?? 0) > 0 &&
        (authorizer.IdentitySource ?? []).length === 0
      ) {
        throw bad('Identity source is required when authorizer caching is enabled');
      }
    } else if (
      authorizer.AuthorizerPayloadFormatVersion !== undefined ||
      authorizer.EnableSimpleResponses !== undefined ||
      authorizer.AuthorizerResultTtlInSeconds !== undefined
    ) {
      throw bad(
        'AuthorizerPayloadFormatVersion, EnableSimpleResponses and caching are supported only for HTTP APIs',
      );
    }
    for (const source of authorizer.IdentitySource ?? []) {
      const prefix =
        api.protocol === 'HTTP'
          ? /^(\$request\.(header|querystring)\.[^\s,]+|\$context\.[A-Za-z.]+)$/
          : /^route\.request\.(header|querystring)\.[^\s,]+$/;
      if (!prefix.test(source)) throw bad(`Invalid identity source ${source}`);
    }
  }

  private installApiGatewayV2(stub: AwsClientStub<ApiGatewayV2Client>) {
    stub.on(GetApiCommand).callsFake((input) =>
      this.run('GetApi', () => {
        const api = this.v2Api(input.ApiId);
        return {
          $metadata: metadata(200),
          ApiId: input.ApiId,
          Name: api.name,
          ProtocolType: api.protocol,
          ApiEndpoint: `https://${input.ApiId}.execute-api.${REGION}.amazonaws.com`,
          ...(api.cors ? { CorsConfiguration: structuredClone(api.cors) } : {}),
        };
      }),
    );
    stub.on(V2GetStagesCommand).callsFake((input) =>
      this.run('GetStages', () => ({
        $metadata: metadata(200),
        Items: this.v2Api(input.ApiId).stages.map((stage) => ({ ...stage })),
      })),
    );
    stub.on(V2GetAuthorizersCommand).callsFake((input) =>
      this.run('GetAuthorizers', () => ({
        $metadata: metadata(200),
        Items: [...this.v2Api(input.ApiId).authorizers.values()].map((item) => structuredClone(item)),
      })),
    );
    stub.on(V2CreateAuthorizerCommand).callsFake((input) =>
      this.run('CreateAuthorizer', () => {
        const api = this.v2Api(input.ApiId);
        const { ApiId: _apiId, ...fields } = input;
        const authorizer: V2Authorizer = { ...structuredClone(fields), AuthorizerId: `auth${this.nextId++}` };
        this.checkV2Authorizer(api, authorizer);
        api.authorizers.set(authorizer.AuthorizerId ?? '', authorizer);
        return { $metadata: metadata(201), ...structuredClone(authorizer) };
      }),
    );
    stub.on(V2UpdateAuthorizerCommand).callsFake((input) =>
      this.run('UpdateAuthorizer', () => {
        const api = this.v2Api(input.ApiId);
        const current = api.authorizers.get(input.AuthorizerId ?? '');
        if (!current) {
          throw new V2NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Authorizer identifier specified',
            ResourceType: 'Authorizer',
          });
        }
        const { ApiId: _apiId, AuthorizerId: _id, ...fields } = input;
        const next: V2Authorizer = { ...current, ...structuredClone(fields) };
        this.checkV2Authorizer(api, next);
        api.authorizers.set(input.AuthorizerId ?? '', next);
        return { $metadata: metadata(200), ...structuredClone(next) };
      }),
    );
    stub.on(V2DeleteAuthorizerCommand).callsFake((input) =>
      this.run('DeleteAuthorizer', () => {
        const api = this.v2Api(input.ApiId);
        if (api.routes.some((route) => route.AuthorizerId === input.AuthorizerId)) {
          throw new V2ConflictException({
            $metadata: metadata(409),
            message: `Cannot delete authorizer '${input.AuthorizerId}', is referenced in route`,
          });
        }
        if (!api.authorizers.delete(input.AuthorizerId ?? '')) {
          throw new V2NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Authorizer identifier specified',
            ResourceType: 'Authorizer',
          });
        }
        return { $metadata: metadata(204) };
      }),
    );
    stub.on(GetRoutesCommand).callsFake((input) =>
      this.run('GetRoutes', () => ({
        $metadata: metadata(200),
        Items: this.v2Api(input.ApiId).routes.map((route) => structuredClone(route)),
      })),
    );
    stub.on(UpdateRouteCommand).callsFake((input) =>
      this.run('UpdateRoute', () => {
        const api = this.v2Api(input.ApiId);
        const route = api.routes.find((item) => item.RouteId === input.RouteId);
        if (!route) {
          throw new V2NotFoundException({
            $metadata: metadata(404),
            message: 'Invalid Route identifier specified',
            ResourceType: 'Route',
          });
        }
        if (input.AuthorizationType === 'CUSTOM') {
          if (!api.authorizers.has(input.AuthorizerId ?? '')) {
            throw new V2BadRequestException({ $metadata: metadata(400), message: 'Invalid authorizer id' });
          }
          if (api.protocol === 'WEBSOCKET' && route.RouteKey !== '$connect') {
            throw new V2BadRequestException({
              $metadata: metadata(400),
              message: 'Authorization is only supported on the $connect route',
            });
          }
          route.AuthorizationType = 'CUSTOM';
          route.AuthorizerId = input.AuthorizerId;
        } else if (input.AuthorizationType === 'NONE') {
          route.AuthorizationType = 'NONE';
          delete route.AuthorizerId;
        }
        return { $metadata: metadata(200), ...structuredClone(route) };
      }),
    );
    stub.on(UpdateApiCommand).callsFake((input) =>
      this.run('UpdateApi', () => {
        const api = this.v2Api(input.ApiId);
        if (input.CorsConfiguration) {
          if (api.protocol !== 'HTTP') {
            throw new V2BadRequestException({
              $metadata: metadata(400),
              message: 'CORS is supported only for HTTP APIs',
            });
          }
          api.cors = structuredClone(input.CorsConfiguration);
        }
        return { $metadata: metadata(200), ApiId: input.ApiId, Name: api.name, ProtocolType: api.protocol };
      }),
    );
    stub.on(V2CreateDeploymentCommand).callsFake((input) =>
      this.run('CreateDeployment', () => {
        const api = this.v2Api(input.ApiId);
        const stage = api.stages.find((item) => item.StageName === input.StageName);
        if (!stage) {
          throw new V2NotFoundException({
            $metadata: metadata(404),
            message: `Invalid stage identifier specified`,
            ResourceType: 'Stage',
          });
        }
        if (stage.AutoDeploy) {
          throw new V2BadRequestException({
            $metadata: metadata(400),
            message: `Stage ${input.StageName} has autoDeploy enabled: deployments are made automatically`,
          });
        }
        api.deployments.push({ stageName: stage.StageName, routes: structuredClone(api.routes) });
        return {
          $metadata: metadata(201),
          DeploymentId: `dep${this.nextId++}`,
          DeploymentStatus: 'DEPLOYED' as const,
        };
      }),
    );
  }
}

function applyPatch(target: Record<string, unknown>, operations: readonly PatchOperation[]) {
  for (const operation of operations) {
    const key = (operation.path ?? '').slice(1);
    if (operation.op !== 'replace') throw new Error(`unsupported patch op ${operation.op}`);
    if (operation.value === '' || operation.value === undefined) delete target[key];
    else target[key] = key === 'authorizerResultTtlInSeconds' ? Number(operation.value) : operation.value;
  }
}
