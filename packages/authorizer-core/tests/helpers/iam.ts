import type { PolicyDocument } from '../../src/index.js';

const compiledPatterns = new Map<string, RegExp>();

/**
 * IAM resource matching: `*` matches any run of characters (`/` and line breaks included), `?`
 * exactly one character (a line break, or an astral character such as an emoji, too).
 */
export function iamResourceMatches(pattern: string, resource: string): boolean {
  let compiled = compiledPatterns.get(pattern);
  if (compiled === undefined) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    compiled = new RegExp(`^${source}$`, 'su');
    if (compiledPatterns.size > 10_000) compiledPatterns.clear();
    compiledPatterns.set(pattern, compiled);
  }
  return compiled.test(resource);
}

/** Evaluates a policy as IAM does for execute-api:Invoke: an explicit Deny wins, then an Allow, else deny. */
export function iamAllows(policy: PolicyDocument, resource: string): boolean {
  let allowed = false;
  for (const statement of policy.Statement) {
    if (statement.Action !== 'execute-api:Invoke') continue;
    const resources = Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
    if (!resources.some((pattern) => iamResourceMatches(pattern, resource))) continue;
    if (statement.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
