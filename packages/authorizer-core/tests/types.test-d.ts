import type {
  APIGatewayAuthorizerResult,
  APIGatewayAuthorizerResultContext,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import {
  type Authorizer,
  type AuthorizerContext,
  type AuthorizerOptions,
  type ClaimCondition,
  type ConfigurationError,
  type Environment,
  type IamAuthorizerResult,
  type JwtClaims,
  type ReadSettingsOptions,
  type RuleDocument,
  readSettings,
  type SETTINGS,
  type SettingDefinition,
  type Settings,
  type SimpleAuthorizerResult,
  type VerifiedToken,
} from '../src/index.js';
import { AUTHORIZER_OPTION_NAMES, closestName, parseDotenv } from '../src/internal.js';

describe('core types fit @types/aws-lambda', () => {
  it('the IAM result is an APIGatewayAuthorizerResult', () => {
    expectTypeOf<IamAuthorizerResult>().toExtend<APIGatewayAuthorizerResult>();
  });

  it('the simple result is an APIGatewaySimpleAuthorizerWithContextResult', () => {
    expectTypeOf<SimpleAuthorizerResult>().toExtend<
      APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>
    >();
  });

  it('the context holds only what API Gateway accepts', () => {
    expectTypeOf<AuthorizerContext>().toExtend<APIGatewayAuthorizerResultContext>();
    expectTypeOf<{ nested: { a: 1 } }>().not.toExtend<AuthorizerContext>();
  });
});

describe('typed claims', () => {
  interface MyClaims extends JwtClaims {
    readonly org_id: string;
  }

  it('verify<Claims>() types the claims', () => {
    expectTypeOf<Awaited<ReturnType<Authorizer['verify']>>>().toEqualTypeOf<VerifiedToken<JwtClaims>>();
    expectTypeOf<VerifiedToken<MyClaims>['claims']['org_id']>().toEqualTypeOf<string>();
    expectTypeOf<VerifiedToken['claims']['exp']>().toEqualTypeOf<number>();
    expectTypeOf<VerifiedToken['claims']['iss']>().toEqualTypeOf<string>();
    expectTypeOf<VerifiedToken['scopes']>().toEqualTypeOf<readonly string[]>();
  });
});

describe('the settings API', () => {
  it('reads settings from a given environment, with the file reader injected', () => {
    expectTypeOf(readSettings).parameter(0).toEqualTypeOf<Environment>();
    expectTypeOf(readSettings).parameter(1).toEqualTypeOf<ReadSettingsOptions>();
    expectTypeOf<ReturnType<typeof readSettings>>().toEqualTypeOf<Settings>();
    expectTypeOf<Settings['authorizerOptions']>().toEqualTypeOf<AuthorizerOptions>();
    expectTypeOf<Settings['httpApiResponse']>().toEqualTypeOf<'simple' | 'iam'>();
  });

  it('ConfigurationError names the setting and the variable, read-only', () => {
    expectTypeOf<ConfigurationError['setting']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<ConfigurationError['variable']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<typeof SETTINGS>().toEqualTypeOf<readonly SettingDefinition[]>();
    expectTypeOf<SettingDefinition['parse']>().toEqualTypeOf<(text: string) => unknown>();
  });

  it('parseDotenv takes the text and, for its messages, the file name', () => {
    expectTypeOf(parseDotenv).toEqualTypeOf<(text: string, file?: string) => Record<string, string>>();
  });
});

describe('option names and typo suggestions', () => {
  it('names every AuthorizerOptions key, and only those', () => {
    expectTypeOf(AUTHORIZER_OPTION_NAMES).toEqualTypeOf<readonly (keyof AuthorizerOptions)[]>();
  });

  it('closestName takes a name and candidates and may find none', () => {
    expectTypeOf(closestName).toEqualTypeOf<
      (input: string, candidates: readonly string[]) => string | undefined
    >();
  });

  it('a verified token counts the scope values it dropped', () => {
    expectTypeOf<VerifiedToken['droppedScopes']>().toEqualTypeOf<number>();
  });
});

describe('rules, context and usage identifier', () => {
  it('routes take scope lists and rule objects; requiredClaims a rule object', () => {
    expectTypeOf<{
      'GET /pets': ['read:pets'];
      'DELETE /pets/{id}': {
        scopes: { anyOf: ['admin'] };
        claims: { 'cognito:groups': { contains: 'vets' } };
      };
    }>().toExtend<NonNullable<AuthorizerOptions['routes']>>();
    expectTypeOf<{
      claims: { email_verified: true; tenant: { oneOf: ['a', 'b'] } };
    }>().toExtend<RuleDocument>();
    expectTypeOf<{ claims: { tenant: { matches: '^a' } } }>().not.toExtend<RuleDocument>();
    expectTypeOf<{ tenant: { oneOf: 'a' } }>().not.toExtend<Record<string, ClaimCondition>>();
  });

  it('the verified token carries its context, and the IAM result may carry usageIdentifierKey', () => {
    expectTypeOf<VerifiedToken['context']>().toEqualTypeOf<Readonly<AuthorizerContext>>();
    expectTypeOf<IamAuthorizerResult['usageIdentifierKey']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<IamAuthorizerResult>().toExtend<APIGatewayAuthorizerResult>();
  });
});
