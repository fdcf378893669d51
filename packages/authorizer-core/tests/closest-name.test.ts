import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closestName } from '../src/internal.js';

const OPTIONS = [
  'issuer',
  'issuers',
  'audience',
  'requiredScopes',
  'routes',
  'unmatchedRoutes',
  'jwksUri',
  'jwks',
];
const VARIABLES = [
  'TOKEN_ISSUER',
  'AUDIENCE',
  'JWKS_URI',
  'JWT_REQUIRED_SCOPES',
  'JWT_ROUTES',
  'JWT_ROUTES_FILE',
];

describe('closestName', () => {
  it.each([
    ['requiredScope', OPTIONS, 'requiredScopes'],
    ['route', OPTIONS, 'routes'],
    ['audiance', OPTIONS, 'audience'],
    ['jwksURI', OPTIONS, 'jwksUri'],
    ['jwks_uri', OPTIONS, 'jwksUri'],
    ['unmatchedRoute', OPTIONS, 'unmatchedRoutes'],
    ['issuer', OPTIONS, 'issuer'],
    ['JWT_REQUIRED_SCOPE', VARIABLES, 'JWT_REQUIRED_SCOPES'],
    ['JWT_ROUTE', VARIABLES, 'JWT_ROUTES'],
    ['JWT_ROUTES_FIEL', VARIABLES, 'JWT_ROUTES_FILE'],
    ['TOKEN_ISUSER', VARIABLES, 'TOKEN_ISSUER'],
  ])('suggests %s → %s', (input, candidates, expected) => {
    expect(closestName(input, candidates)).toBe(expected);
  });

  it.each([
    ['something', OPTIONS],
    ['x', OPTIONS],
    ['', OPTIONS],
    ['requiredScopes', []],
    ['JWT_LOG_LEVEL', VARIABLES],
  ])('suggests nothing for %j when no candidate is a likely typo', (input, candidates) => {
    expect(closestName(input, candidates)).toBeUndefined();
  });

  it('prefers the first of equally close candidates', () => {
    expect(closestName('ab', ['ax', 'ay'])).toBe('ax');
    expect(closestName('ab', ['ay', 'ax'])).toBe('ay');
  });
});

const HOSTILE = ['a', 'b', 's', 'S', '_', '\n', '\r', '\u2028', '\t', ' ', '%0A', '*', '?', 'ü', '🔑'];
const word = fc.array(fc.constantFrom(...HOSTILE), { minLength: 0, maxLength: 10 }).map((p) => p.join(''));

type Edit = { kind: 'insert' | 'delete' | 'replace' | 'swap'; at: number; char: string };
const edit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const, 'swap' as const),
  at: fc.nat(),
  char: fc.constantFrom(...HOSTILE.filter((c) => [...c].length === 1)),
});

function applyEdit(text: string, e: Edit): string {
  const chars = [...text];
  const at = chars.length === 0 ? 0 : e.at % chars.length;
  if (e.kind === 'insert') chars.splice(at, 0, e.char);
  else if (e.kind === 'delete') chars.splice(at, 1);
  else if (e.kind === 'replace') chars.splice(at, 1, e.char);
  else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1] as string, chars[at] as string];
  return chars.join('');
}

describe('property: closestName', () => {
  it('answers a candidate or nothing, the input itself when it is one, and never throws', () => {
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 6 }), fc.nat(), (other, names, pick) => {
        // Case variants first: the exact name must still win over them.
        const candidates = [...names.map((n) => n.toUpperCase()), ...names];
        const input = names.length > 0 && pick % 2 === 0 ? (names[pick % names.length] as string) : other;
        const answer = closestName(input, candidates);
        if (answer !== undefined) expect(candidates).toContain(answer);
        if (candidates.includes(input)) expect(answer).toBe(input);
      }),
      { numRuns: 2000 },
    );
  });

  it('finds the only candidate back from one typo when the name has at least three characters', () => {
    fc.assert(
      fc.property(word, edit, (name, e) => {
        fc.pre([...name].length >= 3);
        expect(closestName(applyEdit(name, e), [name])).toBe(name);
      }),
      { numRuns: 2000 },
    );
  });

  it('never suggests a candidate with nothing in common with a long input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 30 }), (length) => {
        expect(closestName('x'.repeat(length), ['y'.repeat(length)])).toBeUndefined();
      }),
    );
  });
});
