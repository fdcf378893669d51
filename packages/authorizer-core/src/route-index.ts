import { type CompiledRoute, HTTP_METHODS, WEBSOCKET_CONNECT } from './options.js';

/**
 * Which rules of a table can match a request, so a decision tests a few patterns instead of all.
 * A candidate still has to pass `routeMatches`: the index only leaves out rules that cannot match.
 */
export interface RouteIndex {
  /** The number of rules indexed. */
  readonly size: number;
  /** Indexes into the table of every rule that may match, in table order. */
  candidates(method: string, resourcePath: string): readonly number[];
}

/** A node of one method's tree of literal path segments. */
interface SegmentNode {
  /**
   * Rules whose path is the literal segments leading here, or starts with them and goes on with a
   * segment that holds a wildcard (`*`, `{id}`, `{proxy+}`): any path through this node may match.
   */
  readonly rules: number[];
  /** Made on the first child: most nodes are leaves. */
  children: Map<string, SegmentNode> | undefined;
}

const NONE: readonly number[] = Object.freeze([]);

function createNode(): SegmentNode {
  return { rules: [], children: undefined };
}

/**
 * The literal segments a rule's ARN path starts with: all of them when it holds no `*`, else those
 * before the segment that holds the first one. Every path the rule matches starts with these
 * segments, each followed by `/` (or, without any `*`, is exactly them), because a compiled
 * pattern is `^` + the ARN path with each `*` as `.*` + `$`: up to the first `*` every character
 * must be equal. Past the segment with a `*` nothing says where the path's segments lie, since a
 * `*` spans `/` and line breaks.
 */
function leadingLiteralSegments(arnPath: string): string[] {
  const segments = arnPath.split('/');
  const wildcard = segments.findIndex((segment) => segment.includes('*'));
  return wildcard === -1 ? segments : segments.slice(0, wildcard);
}

/** Files a rule under the node of its leading literal segments, which every path it matches passes. */
function insert(root: SegmentNode, segments: readonly string[], rule: number): void {
  let node = root;
  for (const segment of segments) {
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (child === undefined) {
      child = createNode();
      node.children.set(segment, child);
    }
    node = child;
  }
  node.rules.push(rule);
}

/** The rules on the nodes a path passes through, in table order (a rule is on one node of one tree). */
function collect(root: SegmentNode, resourcePath: string): readonly number[] {
  let found: readonly number[] = root.rules;
  let merged: number[] | undefined;
  let node = root;
  let start = 0;
  // Bounded by the depth of the tree, not by the path: the walk stops at the first unknown segment.
  while (node.children !== undefined) {
    const slash = resourcePath.indexOf('/', start);
    const child = node.children.get(
      slash === -1 ? resourcePath.slice(start) : resourcePath.slice(start, slash),
    );
    if (child === undefined) break;
    if (child.rules.length > 0) {
      if (found.length === 0) {
        found = child.rules;
      } else {
        merged ??= [...found];
        for (const rule of child.rules) merged.push(rule);
      }
    }
    if (slash === -1) break;
    node = child;
    start = slash + 1;
  }
  return merged === undefined ? found : merged.sort((a, b) => a - b);
}

/** Two ascending lists as one (a rule is in one of them only). */
function mergeAscending(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length)
    out.push((a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number));
  while (i < a.length) out.push(a[i++] as number);
  while (j < b.length) out.push(b[j++] as number);
  return out;
}

/**
 * Indexes a rule table by method and by the literal segments its paths start with: one tree per
 * method (`$connect` included) and one for `ANY`/`*` rules, which a request of any of the seven
 * HTTP methods also walks (never a `$connect` request, as `routeMatches` has it). A method the
 * index does not know gets every rule. So the index narrows the search but never changes what
 * matches: every rule that can match is a candidate, in table order.
 *
 * @example
 * const index = createRouteIndex(resolved.routes);
 * for (const i of index.candidates('GET', 'pets/42')) if (routeMatches(resolved.routes[i], 'GET', 'pets/42')) ...
 */
export function createRouteIndex(routes: readonly CompiledRoute[]): RouteIndex {
  const roots = new Map<string, SegmentNode>();
  const anyMethod = createNode();
  const every = routes.map((_, i) => i);
  routes.forEach((route, i) => {
    if (route.method !== '*' && !HTTP_METHODS.includes(route.method) && route.method !== WEBSOCKET_CONNECT) {
      // A method no tree holds (a table built by hand) matches only requests with that method,
      // which get every rule.
      return;
    }
    let root = route.method === '*' ? anyMethod : roots.get(route.method);
    if (root === undefined) {
      root = createNode();
      roots.set(route.method, root);
    }
    insert(root, leadingLiteralSegments(route.arnPath), i);
  });
  return {
    size: routes.length,
    candidates(method, resourcePath) {
      if (method === WEBSOCKET_CONNECT) {
        const root = roots.get(method);
        return root === undefined ? NONE : collect(root, resourcePath);
      }
      if (!HTTP_METHODS.includes(method)) return every;
      const root = roots.get(method);
      const own = root === undefined ? NONE : collect(root, resourcePath);
      return mergeAscending(own, collect(anyMethod, resourcePath));
    },
  };
}

/**
 * Below this many rules the decision tests them all: the scan costs well under a microsecond, and
 * building the trees at cold start would cost more than it saves.
 */
export const MIN_INDEXED_RULES = 32;

// One index per rule table, built once. Keyed by the array, as the policy's resource cache is: a
// table is not changed in place once resolved (not frozen either: V8 iterates a frozen array more
// slowly, measured at 3-7 % of a 10-rule decision); one whose length changed is indexed again.
const indexes = new WeakMap<readonly CompiledRoute[], RouteIndex>();

/**
 * The index of `routes`, built once per table; undefined below {@link MIN_INDEXED_RULES} rules,
 * where the decision tests every rule.
 */
export function routeIndexFor(routes: readonly CompiledRoute[]): RouteIndex | undefined {
  if (routes.length < MIN_INDEXED_RULES) return undefined;
  let index = indexes.get(routes);
  if (index === undefined || index.size !== routes.length) {
    index = createRouteIndex(routes);
    indexes.set(routes, index);
  }
  return index;
}
