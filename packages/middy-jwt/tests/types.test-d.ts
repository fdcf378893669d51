import type {
  AuthorizerOptions,
  IamAuthorizerResult,
  JwtClaims,
  SimpleAuthorizerResult,
  TokenError,
  VerifiedToken,
} from '@jwt-authorizer/authorizer-core';
import { createAuthorizer } from '@jwt-authorizer/authorizer-core';
import middy from '@middy/core';
import type {
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
  APIGatewayRequestAuthorizerEventV2,
  APIGatewayTokenAuthorizerEvent,
  Context,
} from 'aws-lambda';
import { describe, expectTypeOf, it } from 'vitest';
import defaultExport, {
  type AuthorizerEvent,
  type AuthorizerEventKind,
  detectAuthorizerEvent,
  detectAuthorizerEventKind,
  fromEnv,
  type HttpApiAuthorizerEventV2,
  isUnauthorizedError,
  type JwtAuthorizerContext,
  type JwtAuthorizerSlots,
  type JwtHttpErrorCode,
  jwtAuth,
  jwtAuthorizer,
  type LambdaContext,
  type RequestAuthorizerEvent,
  requireScopes,
  type TokenAuthorizerEvent,
  type UNAUTHORIZED,
} from '../src/index.js';

interface PetClaims extends JwtClaims {
  readonly org_id: string;
  readonly roles: readonly string[];
}

const options = { issuer: 'https://tenant.auth0.com/', audience: 'https://api.example.com' };

describe('jwtAuth types', () => {
  it('gives the handler typed claims through the generic', () => {
    middy()
      .use(jwtAuth<PetClaims>(options))
      .handler(async (_event, context) => {
        expectTypeOf(context.jwt).toEqualTypeOf<VerifiedToken<PetClaims>>();
        expectTypeOf(context.jwt.claims.org_id).toEqualTypeOf<string>();
        expectTypeOf(context.jwt.claims.roles).toEqualTypeOf<readonly string[]>();
        expectTypeOf(context.jwt.claims.sub).toEqualTypeOf<string | undefined>();
        expectTypeOf(context.jwt.scopes).toEqualTypeOf<readonly string[]>();
        expectTypeOf(context.awsRequestId).toEqualTypeOf<string>();
        return { statusCode: 200 };
      });
  });

  it('defaults to the registered claims', () => {
    middy()
      .use(jwtAuth(options))
      .handler(async (_event, context) => {
        expectTypeOf(context.jwt.claims.iss).toEqualTypeOf<string>();
        expectTypeOf(context.jwt.claims.exp).toEqualTypeOf<number>();
        expectTypeOf(context.jwt.claims.anything).toEqualTypeOf<unknown>();
      });
  });

  it('makes jwt optional when credentials are not required', () => {
    middy()
      .use(jwtAuth<PetClaims>({ ...options, credentialsRequired: false }))
      .handler(async (_event, context) => {
        expectTypeOf(context.jwt).toEqualTypeOf<VerifiedToken<PetClaims> | undefined>();
      });
  });

  it('keeps the handler event type of a typed handler', () => {
    const handler = middy<APIGatewayProxyEvent>().use(jwtAuth(options));
    handler.handler(async (event) => {
      expectTypeOf(event.httpMethod).toEqualTypeOf<string>();
    });
  });

  it('accepts core options, a shared authorizer and token sources, and rejects unknown ones', () => {
    jwtAuth({ authorizer: createAuthorizer(options), requiredScopes: ['read:pets'] });
    jwtAuth({ ...options, tokenSource: { cookie: 'access_token' } });
    jwtAuth({ ...options, tokenSource: (event) => (event as { token?: string }).token });
    jwtAuth(fromEnv());
    // @ts-expect-error tokenSource takes a header, cookie or query name
    jwtAuth({ ...options, tokenSource: { path: 'x' } });
    jwtAuth({ ...options, tokenSource: 'header:authorization,query:token,protocol' });
    jwtAuth({ ...options, tokenSource: [{ kind: 'query', name: 'token' }, { kind: 'protocol' }] });
    // @ts-expect-error a listed place names its kind
    jwtAuth({ ...options, tokenSource: [{ kind: 'body', name: 'token' }] });
    // @ts-expect-error the subprotocol place has no name
    jwtAuth({ ...options, tokenSource: [{ kind: 'protocol', name: 'jwt' }] });
    // @ts-expect-error realm is a string
    jwtAuth({ ...options, realm: 1 });
  });

  it('is the default export', () => {
    expectTypeOf(defaultExport).toEqualTypeOf(jwtAuth);
  });

  it('types requireScopes and the error codes', () => {
    requireScopes('read:pets');
    requireScopes(['read:pets', 'write:pets'], { realm: 'api' });
    requireScopes({
      scopes: { anyOf: ['a', 'b'] },
      claims: { '/realm_access/roles': { contains: 'auditor' } },
    });
    // @ts-expect-error a condition that does not exist
    requireScopes({ claims: { role: { regex: '^a' } } });
    expectTypeOf<'CREDENTIALS_CONFLICT'>().toExtend<JwtHttpErrorCode>();
    expectTypeOf<'TOKEN_EXPIRED'>().toExtend<JwtHttpErrorCode>();
  });
});

describe('jwtAuthorizer types', () => {
  it('gives the handler the verified token and the event kind and ARN', () => {
    const authorizer = createAuthorizer(options);
    middy()
      .use(jwtAuthorizer({ authorizer }))
      .handler(async (event, context) => {
        expectTypeOf(event).toEqualTypeOf<AuthorizerEvent>();
        expectTypeOf(context.jwt).toEqualTypeOf<VerifiedToken>();
        expectTypeOf(context.authorizerEvent.kind).toEqualTypeOf<AuthorizerEventKind>();
        expectTypeOf(context.authorizerEvent.arn).toEqualTypeOf<string>();
        expectTypeOf(
          authorizer.authorize(context.jwt, context.authorizerEvent.arn).result,
        ).toEqualTypeOf<IamAuthorizerResult>();
        expectTypeOf(
          authorizer.authorizeSimple(context.jwt, context.authorizerEvent.arn).result,
        ).toEqualTypeOf<SimpleAuthorizerResult>();
      });
  });

  it('accepts only the documented options', () => {
    const authorizer = createAuthorizer(options);
    jwtAuthorizer({ authorizer, httpApiResponse: 'iam', hydrate: false });
    // @ts-expect-error httpApiResponse is simple or iam
    jwtAuthorizer({ authorizer, httpApiResponse: 'full' });
    // @ts-expect-error authorizer is required
    jwtAuthorizer({});
  });

  it('types detectAuthorizerEvent and fromEnv', () => {
    expectTypeOf(detectAuthorizerEvent({})).toEqualTypeOf<{
      readonly kind: AuthorizerEventKind;
      readonly authorization: string | undefined;
      readonly arn: string;
    }>();
    expectTypeOf(fromEnv).returns.toEqualTypeOf<AuthorizerOptions>();
    expectTypeOf(fromEnv)
      .parameter(0)
      .toEqualTypeOf<Readonly<Record<string, string | undefined>> | undefined>();
    expectTypeOf<AuthorizerEventKind>().toEqualTypeOf<'token' | 'request' | 'http-v2'>();
  });

  it('types detectAuthorizerEventKind: any value in, a kind or undefined out', () => {
    expectTypeOf(detectAuthorizerEventKind).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(detectAuthorizerEventKind).returns.toEqualTypeOf<AuthorizerEventKind | undefined>();
  });

  it('types the 401 message as its literal and isUnauthorizedError as a check of any value', () => {
    expectTypeOf<typeof UNAUTHORIZED>().toEqualTypeOf<'Unauthorized'>();
    expectTypeOf(isUnauthorizedError).parameter(0).toEqualTypeOf<unknown>();
    expectTypeOf(isUnauthorizedError).returns.toEqualTypeOf<boolean>();
  });

  it('types the slots jwtAuthorizer fills, and its context as the Lambda context with them', () => {
    expectTypeOf<keyof JwtAuthorizerSlots>().toEqualTypeOf<
      'jwt' | 'authorizerEvent' | 'authorizerRejection'
    >();
    expectTypeOf<JwtAuthorizerSlots['jwt']>().toEqualTypeOf<VerifiedToken>();
    expectTypeOf<JwtAuthorizerSlots<PetClaims>['jwt']>().toEqualTypeOf<VerifiedToken<PetClaims>>();
    expectTypeOf<JwtAuthorizerSlots['authorizerEvent']>().toEqualTypeOf<{
      readonly kind: AuthorizerEventKind;
      readonly arn: string;
    }>();
    expectTypeOf<JwtAuthorizerSlots['authorizerRejection']>().toEqualTypeOf<TokenError | undefined>();
    expectTypeOf<JwtAuthorizerContext<PetClaims>>().toEqualTypeOf<
      LambdaContext & JwtAuthorizerSlots<PetClaims>
    >();
    // A plugin hook reads them before or without the middleware: every slot may be unset.
    expectTypeOf<Partial<JwtAuthorizerSlots>['authorizerEvent']>().toEqualTypeOf<
      { readonly kind: AuthorizerEventKind; readonly arn: string } | undefined
    >();
  });
});

describe('structural types fit @types/aws-lambda', () => {
  it('accepts the aws-lambda authorizer events and context', () => {
    expectTypeOf<APIGatewayTokenAuthorizerEvent>().toExtend<TokenAuthorizerEvent>();
    expectTypeOf<APIGatewayRequestAuthorizerEvent>().toExtend<RequestAuthorizerEvent>();
    expectTypeOf<APIGatewayRequestAuthorizerEventV2>().toExtend<HttpApiAuthorizerEventV2>();
    expectTypeOf<Context>().toExtend<LambdaContext>();
    expectTypeOf<Context & JwtAuthorizerContext>().toExtend<LambdaContext>();
  });
});
