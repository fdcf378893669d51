import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as publicEntry from '../src/index.js';
import * as internalEntry from '../src/internal.js';

const PUBLIC_VALUES = [
  'AuthorizerError',
  'ClaimError',
  'ConfigurationError',
  'EventError',
  'KeysUnavailableError',
  'SETTINGS',
  'ScopeError',
  'TokenError',
  'createAuthorizer',
  'createMemoryReplayStore',
  'readSettings',
];
const PUBLIC_TYPES = [
  'Authorization',
  'Authorizer',
  'AuthorizerContext',
  'AuthorizerErrorCode',
  'AuthorizerOptions',
  'ClaimCondition',
  'ClaimErrorCode',
  'ClaimLiteral',
  'CompiledRoute',
  'ConfigurationErrorCode',
  'ConfigurationErrorOptions',
  'ContextClaim',
  'ContextClaimsOption',
  'DecisionLogLevel',
  'EventErrorCode',
  'Environment',
  'Fetcher',
  'HttpApiResponse',
  'IamAuthorizerResult',
  'IssuerOptions',
  'Jwk',
  'Jwks',
  'JwksOptions',
  'JwtClaims',
  'KeysErrorCode',
  'PolicyDocument',
  'PolicyMode',
  'PolicyStatement',
  'ReadSettingsOptions',
  'ResolvedIssuer',
  'ResolvedOptions',
  'RouteDecision',
  'RouteRequirement',
  'RouteRule',
  'RuleDocument',
  'ScopeErrorCode',
  'ScopeSets',
  'SettingDefinition',
  'SettingFile',
  'Settings',
  'SignatureAlgorithm',
  'SimpleAuthorizerResult',
  'TokenErrorCode',
  'TokenLocation',
  'TokenTypePolicy',
  'VerifiedToken',
  // Sender-constrained and opaque tokens.
  'DpopOptions',
  'IntrospectionOptions',
  'MemoryReplayStoreOptions',
  'ReplayStore',
  'SenderConstrainedMode',
  'TokenRequest',
];

/** Every name an entry file exports, types included, read from its `export { … } from` lists. */
function exportedNames(file: string): string[] {
  const source = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
  const names: string[] = [];
  for (const [, list] of source.matchAll(/^export (?:type )?\{([^}]*)\} from '[^']+';$/gm)) {
    for (const item of (list as string).split(',')) {
      const name = item.trim().replace(/^type /, '');
      if (name !== '') names.push(name);
    }
  }
  return names.sort();
}

function exportStatements(file: string): string[] {
  const source = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
  return source.match(/^export\b.*$/gm) ?? [];
}

describe('the public API (src/index.ts)', () => {
  it('lists exactly the public values and types', () => {
    expect(exportedNames('index.ts')).toEqual([...PUBLIC_VALUES, ...PUBLIC_TYPES].sort());
  });

  it('exports the public values at run time, and nothing else', () => {
    expect(Object.keys(publicEntry).sort()).toEqual(PUBLIC_VALUES);
  });

  it.each(['index.ts', 'internal.ts'])('%s names what it exports: only export lists, no export *', (file) => {
    const statements = exportStatements(file);
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(statement).toMatch(/^export (?:type )?\{/);
  });

  it('shares no name with the internal entry', () => {
    const internal = new Set(exportedNames('internal.ts'));
    expect(exportedNames('index.ts').filter((name) => internal.has(name))).toEqual([]);
    expect(Object.keys(internalEntry).filter((name) => name in publicEntry)).toEqual([]);
  });

  it('maps the main entry and ./internal in the exports map, types first', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      exports: Record<string, Record<string, string>>;
    };
    expect(manifest.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './internal': { types: './dist/internal.d.ts', default: './dist/internal.js' },
    });
    for (const entry of Object.values(manifest.exports)) expect(Object.keys(entry)[0]).toBe('types');
  });
});
