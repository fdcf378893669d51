import type {
  APIGatewayAuthorizerResult,
  APIGatewayAuthorizerResultContext,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import {
  AUTHORIZER_OPTION_NAMES,
  type Authorizer,
  type AuthorizerContext,
  type AuthorizerOptions,
  closestName,
  type IamAuthorizerResult,
  type JwtClaims,
  type SimpleAuthorizerResult,
  type VerifiedToken,
} from '../src/index.js';

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
