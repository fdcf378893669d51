import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AuthorizerOptions } from '../../src/index.js';

const README = resolve(import.meta.dirname, '../../../../README.md');

/** The providers whose recipes the root README gives. */
export type Provider = 'cognito' | 'auth0' | 'okta' | 'keycloak';

/**
 * The options of one README recipe: the ` ```json ` block right after `<!-- recipe: NAME -->`, read
 * from the README itself so the documented recipe is the tested one.
 */
export function readRecipe(provider: Provider): Partial<AuthorizerOptions> {
  const text = readFileSync(README, 'utf8');
  const marker = `<!-- recipe: ${provider} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const block = /^\s*```json\n([\s\S]*?)\n```/.exec(text.slice(at + marker.length));
  if (block === null) throw new Error(`README.md: no json block right after ${marker}`);
  return JSON.parse(block[1] as string) as Partial<AuthorizerOptions>;
}

/** What a request gets: allowed, the route's Deny (403) with a reason, or refused (401) with a code. */
export type Outcome =
  | 'allow'
  | 'INSUFFICIENT_SCOPE'
  | 'CLAIM_MISMATCH'
  | 'CLAIM_INVALID'
  | 'TOKEN_TYPE_INVALID'
  | 'AUDIENCE_INVALID';

export interface RecipeCase {
  readonly name: string;
  /** Claims merged over the minter's defaults (`undefined` removes one); `iss` is the test issuer. */
  readonly claims: Record<string, unknown>;
  readonly header?: Record<string, unknown>;
  /** Outcome per route (`VERB /path` as called); one outcome for a token refused outright. */
  readonly expect: Readonly<Record<string, Outcome>> | Outcome;
  /** Expected authorizer context entries besides `sub` and `scope`. */
  readonly context?: Readonly<Record<string, string | number | boolean>>;
  readonly usageIdentifierKey?: string;
}

const now = () => Math.floor(Date.now() / 1000);

// Claims shaped as each provider issues them (from their documented access tokens).
const COGNITO_ACCESS = {
  aud: undefined,
  sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  token_use: 'access',
  scope: 'aws.cognito.signin.user.admin',
  client_id: '7example2clientid',
  username: 'alice',
  auth_time: now(),
  version: 2,
  origin_jti: 'origin-1',
  event_id: 'event-1',
};
const AUTH0_ACCESS = {
  aud: ['https://pets.example.com/api', 'https://tenant.auth0.com/userinfo'],
  sub: 'auth0|alice',
  azp: 'web-client-id',
  scope: 'openid profile',
  permissions: ['read:pets', 'delete:pets'],
  'https://pets.example.com/roles': ['admin'],
};
const OKTA_ACCESS = {
  ver: 1,
  aud: 'api://pets',
  sub: 'alice@example.com',
  cid: '0oa1example',
  uid: '00u1example',
  scp: ['pets.read'],
  scope: undefined,
  groups: ['Everyone', 'Pet Admins'],
};
const KEYCLOAK_ACCESS = {
  aud: ['pets-api', 'account'],
  sub: 'f:1234:alice',
  typ: 'Bearer',
  azp: 'pets-web',
  scope: 'openid profile email',
  email_verified: true,
  realm_access: { roles: ['offline_access', 'user'] },
  resource_access: { 'pets-api': { roles: ['pets-admin'] }, account: { roles: ['manage-account'] } },
};

/** Tokens for each recipe, and what each route gives them. */
export const RECIPE_CASES: Readonly<Record<Provider, readonly RecipeCase[]>> = {
  cognito: [
    {
      name: 'a vet',
      claims: { ...COGNITO_ACCESS, 'cognito:groups': ['vets'] },
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'allow', 'GET /admin/users': 'CLAIM_MISMATCH' },
      context: { groups: '["vets"]' },
      usageIdentifierKey: '7example2clientid',
    },
    {
      name: 'an admin',
      claims: { ...COGNITO_ACCESS, 'cognito:groups': ['admins'] },
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'allow', 'POST /admin/users': 'allow' },
    },
    {
      name: 'a user in no group',
      claims: COGNITO_ACCESS,
      expect: {
        'GET /pets': 'allow',
        'DELETE /pets/7': 'CLAIM_MISMATCH',
        'GET /admin/users': 'CLAIM_MISMATCH',
      },
    },
    {
      name: 'a token without the scope',
      claims: { ...COGNITO_ACCESS, scope: 'openid', 'cognito:groups': ['admins'] },
      expect: { 'GET /pets': 'INSUFFICIENT_SCOPE', 'DELETE /pets/7': 'allow' },
    },
    {
      name: 'an ID token (aud is the client id, token_use id)',
      claims: { ...COGNITO_ACCESS, aud: '7example2clientid', token_use: 'id', 'cognito:groups': ['admins'] },
      expect: 'AUDIENCE_INVALID',
    },
  ],
  auth0: [
    {
      name: 'an admin with the permissions',
      claims: AUTH0_ACCESS,
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'allow' },
      context: { roles: '["admin"]' },
    },
    {
      name: 'a user without the admin role',
      claims: { ...AUTH0_ACCESS, 'https://pets.example.com/roles': ['user'] },
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'CLAIM_MISMATCH' },
    },
    {
      name: 'an admin:pets permission (any-of)',
      claims: { ...AUTH0_ACCESS, permissions: ['admin:pets'] },
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'INSUFFICIENT_SCOPE' },
    },
    {
      name: 'no permissions',
      claims: { ...AUTH0_ACCESS, permissions: [] },
      expect: { 'GET /pets': 'INSUFFICIENT_SCOPE', 'DELETE /pets/7': 'INSUFFICIENT_SCOPE' },
    },
    {
      name: 'another client (azp)',
      claims: { ...AUTH0_ACCESS, azp: 'unknown-client' },
      expect: 'CLAIM_INVALID',
    },
    {
      name: 'a logout token',
      claims: AUTH0_ACCESS,
      header: { typ: 'logout+jwt' },
      expect: 'TOKEN_TYPE_INVALID',
    },
  ],
  okta: [
    {
      name: 'a pet admin',
      claims: OKTA_ACCESS,
      expect: { 'GET /pets': 'allow', 'PUT /admin/settings': 'allow' },
      usageIdentifierKey: '0oa1example',
    },
    {
      name: 'a user in Everyone only',
      claims: { ...OKTA_ACCESS, groups: ['Everyone'] },
      expect: { 'GET /pets': 'allow', 'PUT /admin/settings': 'CLAIM_MISMATCH' },
    },
    {
      name: 'a groups claim as one string (not the array Okta sends)',
      claims: { ...OKTA_ACCESS, groups: 'Pet Admins' },
      expect: { 'GET /pets': 'allow', 'PUT /admin/settings': 'CLAIM_MISMATCH' },
    },
    {
      name: 'a token without pets.read',
      claims: { ...OKTA_ACCESS, scp: ['openid'] },
      expect: { 'GET /pets': 'INSUFFICIENT_SCOPE', 'PUT /admin/settings': 'INSUFFICIENT_SCOPE' },
    },
  ],
  keycloak: [
    {
      name: 'a user with the pets-admin client role',
      claims: KEYCLOAK_ACCESS,
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'allow', 'GET /admin/users': 'CLAIM_MISMATCH' },
      context: { realmRoles: '["offline_access","user"]' },
    },
    {
      name: 'a realm admin without the client role',
      claims: { ...KEYCLOAK_ACCESS, realm_access: { roles: ['admin'] }, resource_access: {} },
      expect: { 'GET /pets': 'allow', 'DELETE /pets/7': 'CLAIM_MISMATCH', 'GET /admin/users': 'allow' },
    },
    {
      name: 'no roles at all',
      claims: { ...KEYCLOAK_ACCESS, realm_access: undefined, resource_access: undefined },
      expect: { 'GET /pets': 'CLAIM_MISMATCH', 'DELETE /pets/7': 'CLAIM_MISMATCH' },
    },
    {
      name: 'an unverified email',
      claims: { ...KEYCLOAK_ACCESS, email_verified: false },
      expect: 'CLAIM_INVALID',
    },
    { name: 'an ID token', claims: { ...KEYCLOAK_ACCESS, typ: 'ID' }, expect: 'TOKEN_TYPE_INVALID' },
    { name: 'a refresh token', claims: { ...KEYCLOAK_ACCESS, typ: 'Refresh' }, expect: 'TOKEN_TYPE_INVALID' },
  ],
};

/** `VERB /path` as the method ARN suffix: `GET/pets`. */
export function arnSuffix(route: string): string {
  const [verb, path] = route.split(' ') as [string, string];
  return `${verb}${path}`;
}
