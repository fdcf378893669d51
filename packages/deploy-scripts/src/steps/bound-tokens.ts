import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { parseSecretId } from '@jwt-authorizer/authorizer-core/internal';
import { getPartition } from '../arn.js';
import type { DeployConfig } from '../config.js';
import { type DeployStep, need } from '../deploy-steps.js';
import type { DestroyStep } from '../destroy-steps.js';
import { DeployError, handleAwsError } from '../errors.js';
import { isSamePolicy, type PolicyDocument } from '../policies.js';
import { getInlinePolicy } from '../role.js';
import { allOf, fact, not, type PlannedCall } from '../step.js';
import type { StepContext } from '../step-context.js';
import { indentDocument } from './documents.js';

/** The key and TTL attribute the handler's DynamoDB replay store writes (dynamodb-replay-store.ts). */
export const REPLAY_TABLE_KEY = 'jti';
export const REPLAY_TABLE_TTL_ATTRIBUTE = 'expiresAt';
/** The tag deploy puts on a table it creates: destroy deletes only a table that carries it. */
export const CREATED_BY_TAG = { Key: 'created-by', Value: 'jwt-authorizer deploy' } as const;
/** The execution role's inline policy for the replay table and the introspection secret. */
export const BOUND_TOKEN_POLICY_NAME = 'bound-token-resources';

// The table the function reads: JWT_DPOP_REPLAY_TABLE or the config file's dpopReplayTable.
const replayTableOf = (config: DeployConfig) => config.replayTable?.value;
const replayOriginOf = (config: DeployConfig) => config.replayTable?.origin ?? 'JWT_DPOP_REPLAY_TABLE';
const secretIdOf = (config: DeployConfig) => config.environment.JWT_INTROSPECTION_CLIENT_SECRET_ID;

/**
 * The ARNs the execution role's bound-token policy names, for this region and account: exactly the
 * replay table, the secret (a name or partial ARN gets Secrets Manager's `-??????` suffix, as AWS
 * documents for policies) or the SSM parameter.
 *
 * @example
 * ```ts
 * buildBoundTokenPolicy(config, { region: 'eu-west-1', accountId: '123456789012' });
 * ```
 */
export function buildBoundTokenPolicy(
  config: DeployConfig,
  target: { region: string; accountId: string; tableArn?: string | undefined },
): PolicyDocument | undefined {
  const partition = getPartition(target.region);
  const statements: Record<string, unknown>[] = [];
  const table = replayTableOf(config);
  if (table !== undefined) {
    statements.push({
      Sid: 'DpopReplayTable',
      Effect: 'Allow',
      Action: 'dynamodb:PutItem',
      Resource:
        target.tableArn ?? `arn:${partition}:dynamodb:${target.region}:${target.accountId}:table/${table}`,
    });
  }
  const secretId = secretIdOf(config);
  const location = secretId === undefined ? undefined : parseSecretId(secretId);
  if (location?.service === 'ssm') {
    const name = location.name.replace(/^\//, '');
    statements.push({
      Sid: 'IntrospectionSecret',
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: `arn:${partition}:ssm:${target.region}:${target.accountId}:parameter/${name}`,
    });
  } else if (location?.service === 'secretsmanager') {
    const arn = location.secretId.startsWith('arn:')
      ? location.secretId
      : `arn:${partition}:secretsmanager:${target.region}:${target.accountId}:secret:${location.secretId}`;
    statements.push({
      Sid: 'IntrospectionSecret',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      // A full ARN as given, or the name with the six random characters Secrets Manager appends.
      Resource: location.secretId.startsWith('arn:') ? [arn, `${arn}-??????`] : `${arn}-??????`,
    });
  }
  return statements.length === 0 ? undefined : { Version: '2012-10-17', Statement: statements };
}

async function describeTable(context: StepContext, name: string): Promise<TableDescription | undefined> {
  const output = await context.clients.dynamodb
    .send(new DescribeTableCommand({ TableName: name }))
    .catch(handleAwsError('dynamodb:DescribeTable', { ResourceNotFoundException: () => undefined }));
  return output?.Table;
}

function checkKeySchema(table: TableDescription, name: string, origin: string): void {
  const keys = table.KeySchema ?? [];
  const type = table.AttributeDefinitions?.find(
    (definition) => definition.AttributeName === REPLAY_TABLE_KEY,
  )?.AttributeType;
  if (
    keys.length !== 1 ||
    keys[0]?.AttributeName !== REPLAY_TABLE_KEY ||
    keys[0]?.KeyType !== 'HASH' ||
    type !== 'S'
  ) {
    const found = keys.map((key) => `${key.AttributeName} (${key.KeyType})`).join(', ');
    throw new DeployError(
      'CONFIG_INVALID',
      `${origin}: table ${name} has the key ${found || 'none'}; the replay table needs the partition key ${REPLAY_TABLE_KEY} (string) and no sort key: name another table, and deploy creates it`,
    );
  }
}

/**
 * `JWT_DPOP_REPLAY_TABLE` (or the config file's `dpopReplayTable`): the DynamoDB table every container remembers DPoP proofs in, created when
 * missing (partition key `jti`, on-demand, tagged as deploy's) or checked when present, with TTL on
 * `expiresAt` so used proofs expire.
 */
export const replayTableStep: DeployStep = {
  name: 'replay-table',
  summary(config) {
    const table = replayTableOf(config);
    if (table === undefined) return [];
    return [
      `  table        ${table} (${replayOriginOf(config)}): DPoP replay table (key ${REPLAY_TABLE_KEY}, on-demand, TTL on ${REPLAY_TABLE_TTL_ATTRIBUTE}), created if missing`,
    ];
  },
  plan(config): PlannedCall[] {
    const table = replayTableOf(config);
    if (table === undefined) return [];
    const resource = `table ${table}`;
    return [
      { service: 'dynamodb', operation: 'DescribeTable', resource },
      {
        service: 'dynamodb',
        operation: 'CreateTable',
        resource,
        when: not('replayTableExists'),
        detail: `key ${REPLAY_TABLE_KEY} (S), PAY_PER_REQUEST, tag ${CREATED_BY_TAG.Key}=${CREATED_BY_TAG.Value}`,
      },
      {
        service: 'dynamodb',
        operation: 'DescribeTable',
        resource,
        when: not('replayTableExists'),
        detail: 'until ACTIVE',
      },
      { service: 'dynamodb', operation: 'DescribeTimeToLive', resource },
      {
        service: 'dynamodb',
        operation: 'UpdateTimeToLive',
        resource,
        when: not('replayTableTtlOn'),
        detail: `enabled on ${REPLAY_TABLE_TTL_ATTRIBUTE}`,
      },
    ];
  },
  async ensure(context, config, state) {
    const name = replayTableOf(config);
    if (name === undefined) return;
    let table = await describeTable(context, name);
    state.facts.replayTableExists = table !== undefined;
    if (table === undefined) {
      const created = await context.clients.dynamodb
        .send(
          new CreateTableCommand({
            TableName: name,
            KeySchema: [{ AttributeName: REPLAY_TABLE_KEY, KeyType: 'HASH' }],
            AttributeDefinitions: [{ AttributeName: REPLAY_TABLE_KEY, AttributeType: 'S' }],
            BillingMode: 'PAY_PER_REQUEST',
            Tags: [{ ...CREATED_BY_TAG }],
          }),
        )
        .catch(handleAwsError('dynamodb:CreateTable'));
      table = created.TableDescription;
      // TTL can be set only on an ACTIVE table: poll every 2 s, up to the waiters' bound.
      for (let waited = 0; ; waited += 2) {
        if (waited > 0) await context.sleep(2000);
        table = await describeTable(context, name);
        if (table?.TableStatus === 'ACTIVE') break;
        if (waited >= context.waiterMaxWaitSeconds) {
          throw new DeployError(
            'AWS_ERROR',
            `table ${name} is still ${table?.TableStatus ?? 'missing'} after ${context.waiterMaxWaitSeconds} s: run deploy again`,
          );
        }
      }
      context.reporter.step('created', `table ${name}`, 'DPoP replay table, on-demand');
    } else {
      checkKeySchema(table, name, replayOriginOf(config));
    }
    state.replayTableArn = table?.TableArn;
    const ttl = await context.clients.dynamodb
      .send(new DescribeTimeToLiveCommand({ TableName: name }))
      .catch(handleAwsError('dynamodb:DescribeTimeToLive'));
    const description = ttl.TimeToLiveDescription;
    const on =
      (description?.TimeToLiveStatus === 'ENABLED' || description?.TimeToLiveStatus === 'ENABLING') &&
      description.AttributeName === REPLAY_TABLE_TTL_ATTRIBUTE;
    state.facts.replayTableTtlOn = on;
    if (!on) {
      if (
        (description?.TimeToLiveStatus === 'ENABLED' || description?.TimeToLiveStatus === 'ENABLING') &&
        description.AttributeName !== REPLAY_TABLE_TTL_ATTRIBUTE
      ) {
        throw new DeployError(
          'CONFIG_INVALID',
          `${replayOriginOf(config)}: table ${name} has TTL on ${description.AttributeName}, but the replay store writes ${REPLAY_TABLE_TTL_ATTRIBUTE} (a table has one TTL attribute): name another table`,
        );
      }
      await context.clients.dynamodb
        .send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: REPLAY_TABLE_TTL_ATTRIBUTE, Enabled: true },
          }),
        )
        .catch(handleAwsError('dynamodb:UpdateTimeToLive'));
      context.reporter.step('updated', `table ${name}`, `TTL on ${REPLAY_TABLE_TTL_ATTRIBUTE}`);
    } else if (state.facts.replayTableExists) {
      context.reporter.step('unchanged', `table ${name}`);
    }
  },
};

/**
 * The execution role's read of exactly the replay table (`dynamodb:PutItem`) and the introspection
 * secret (`secretsmanager:GetSecretValue` or `ssm:GetParameter`), as one inline policy.
 */
export const boundTokenGrantsStep: DeployStep = {
  name: 'bound-token-grants',
  summary(config, target) {
    const policy = buildBoundTokenPolicy(config, target);
    if (policy === undefined) return [];
    const actions = policy.Statement.map((statement) => statement.Action).join(', ');
    return [
      `  role         ${config.roleName}: inline ${BOUND_TOKEN_POLICY_NAME} (${actions}, on exactly the resource)`,
    ];
  },
  plan(config, target): PlannedCall[] {
    if (buildBoundTokenPolicy(config, target) === undefined) return [];
    const resource = `role ${config.roleName}`;
    return [
      {
        service: 'iam',
        operation: 'GetRolePolicy',
        resource,
        when: fact('executionRoleExists'),
        detail: BOUND_TOKEN_POLICY_NAME,
      },
      {
        service: 'iam',
        operation: 'PutRolePolicy',
        resource,
        when: {
          anyOf: [
            not('executionRoleExists'),
            allOf(fact('executionRoleExists'), not('boundTokenPolicyMatches')),
          ],
        },
        detail: `${BOUND_TOKEN_POLICY_NAME}, the document below`,
      },
    ];
  },
  documents(config, target) {
    const policy = buildBoundTokenPolicy(config, target);
    if (policy === undefined) return [];
    return [
      `Inline policy ${BOUND_TOKEN_POLICY_NAME} of ${config.roleName} (execution role; the table's ARN is DescribeTable's):`,
      ...indentDocument(policy),
    ];
  },
  async ensure(context, config, state) {
    const role = need(state.executionRole, 'the execution role');
    const wanted = buildBoundTokenPolicy(config, {
      region: context.region,
      accountId: role.accountId,
      tableArn: state.replayTableArn,
    });
    if (wanted === undefined) return;
    let current: unknown;
    if (state.facts.executionRoleExists) {
      current = await getInlinePolicy(context, config.roleName, BOUND_TOKEN_POLICY_NAME);
      state.facts.boundTokenPolicyMatches = isSamePolicy(current, wanted);
    }
    if (state.facts.executionRoleExists && state.facts.boundTokenPolicyMatches) {
      context.reporter.step('unchanged', `role ${config.roleName}`, BOUND_TOKEN_POLICY_NAME);
      return;
    }
    await context.clients.iam
      .send(
        new PutRolePolicyCommand({
          RoleName: config.roleName,
          PolicyName: BOUND_TOKEN_POLICY_NAME,
          PolicyDocument: JSON.stringify(wanted),
        }),
      )
      .catch(handleAwsError('iam:PutRolePolicy'));
    context.reporter.step(
      current === undefined ? 'created' : 'updated',
      `role ${config.roleName}`,
      BOUND_TOKEN_POLICY_NAME,
    );
  },
};

/** `destroy`: deletes the replay table only when deploy created it (its tag says so). */
export const replayTableRemovalStep: DestroyStep = {
  name: 'replay-table-deletion',
  summary: (config) =>
    config.replayTable === undefined ? [] : [`table ${config.replayTable} (only if deploy created it)`],
  plan(config): PlannedCall[] {
    if (config.replayTable === undefined) return [];
    const resource = `table ${config.replayTable}`;
    return [
      { service: 'dynamodb', operation: 'DescribeTable', resource },
      { service: 'dynamodb', operation: 'ListTagsOfResource', resource, when: fact('replayTableExists') },
      {
        service: 'dynamodb',
        operation: 'DeleteTable',
        resource,
        when: fact('replayTableMadeByDeploy'),
        detail: `tagged ${CREATED_BY_TAG.Key}=${CREATED_BY_TAG.Value}`,
      },
    ];
  },
  async ensure(context, config, state) {
    const name = config.replayTable;
    if (name === undefined) return;
    const table = await describeTable(context, name);
    state.facts.replayTableExists = table !== undefined;
    if (table === undefined) {
      state.facts.replayTableMadeByDeploy = false;
      context.reporter.step('absent', `table ${name}`);
      return;
    }
    const tags = await context.clients.dynamodb
      .send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn }))
      .catch(handleAwsError('dynamodb:ListTagsOfResource'));
    const ours = (tags.Tags ?? []).some(
      (tag) => tag.Key === CREATED_BY_TAG.Key && tag.Value === CREATED_BY_TAG.Value,
    );
    state.facts.replayTableMadeByDeploy = ours;
    if (!ours) {
      context.reporter.step('skipped', `table ${name}`, 'kept: deploy did not create it (no created-by tag)');
      return;
    }
    await context.clients.dynamodb
      .send(new DeleteTableCommand({ TableName: name }))
      .catch(handleAwsError('dynamodb:DeleteTable', { ResourceNotFoundException: () => undefined }));
    context.reporter.step('deleted', `table ${name}`);
  },
};
