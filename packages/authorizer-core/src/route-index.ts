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

interface MethodBucket {
  /** Rules whose path starts with a literal first segment, by that segment. */
  readonly bySegment: Map<string, number[]>;
  /** Rules whose first segment holds a wildcard (`*`, `{param}`, `{proxy+}`): any path may match. */
  readonly anySegment: number[];
}

/**
 * The literal first segment a rule's path starts with, or undefined when a wildcard is in it.
 * Sound because a compiled pattern is `^` + the ARN path with each `*` as `.*` + `$`: up to the
 * first `*` every character must be equal. A first segment without `*` is therefore followed by
 * `/` or the end in both the rule and any path it matches, so that path's first segment (up to its
 * first `/`) is the same string. A `*` spans `/` and line breaks, so a wildcard segment says
 * nothing about where the path's first segment ends: such rules are candidates for every path.
 */
function firstSegmentKey(arnPath: string): string | undefined {
  const slash = arnPath.indexOf('/');
  const segment = slash === -1 ? arnPath : arnPath.slice(0, slash);
  return segment.includes('*') ? undefined : segment;
}

function firstSegmentOf(resourcePath: string): string {
  const slash = resourcePath.indexOf('/');
  return slash === -1 ? resourcePath : resourcePath.slice(0, slash);
}

/** Two ascending lists as one ascending list (a rule is in at most one of them under a method). */
function mergeAscending(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length)
    out[k++] = (a[i] as number) < (b[j] as number) ? (a[i++] as number) : (b[j++] as number);
  while (i < a.length) out[k++] = a[i++] as number;
  while (j < b.length) out[k++] = b[j++] as number;
  return out;
}

/**
 * Indexes a rule table by method and literal first path segment. A rule for `ANY`/`*` is listed
 * under each of the seven HTTP methods (never `$connect`, as `routeMatches` has it); a `$connect`
 * rule under `$connect`. A method the index does not know gets every rule, so the index can narrow
 * the search but never change what matches. Every rule that matches is found, in table order,
 * because each rule is listed under every method it can match and either under its literal first
 * segment or as matching any.
 *
 * @example
 * const index = createRouteIndex(resolved.routes);
 * for (const i of index.candidates('GET', 'pets/42')) if (routeMatches(resolved.routes[i], 'GET', 'pets/42')) ...
 */
export function createRouteIndex(routes: readonly CompiledRoute[]): RouteIndex {
  const buckets = new Map<string, MethodBucket>();
  for (const method of [...HTTP_METHODS, WEBSOCKET_CONNECT]) {
    buckets.set(method, { bySegment: new Map(), anySegment: [] });
  }
  const every = routes.map((_, i) => i);
  routes.forEach((route, i) => {
    const methods = route.method === '*' ? HTTP_METHODS : [route.method];
    const key = firstSegmentKey(route.arnPath);
    for (const method of methods) {
      const bucket = buckets.get(method);
      // A method no bucket holds (a table built by hand) is matched only by requests with that
      // method, which get every rule.
      if (bucket === undefined) continue;
      if (key === undefined) {
        bucket.anySegment.push(i);
      } else {
        const list = bucket.bySegment.get(key);
        if (list === undefined) bucket.bySegment.set(key, [i]);
        else list.push(i);
      }
    }
  });
  return {
    size: routes.length,
    candidates(method, resourcePath) {
      const bucket = buckets.get(method);
      if (bucket === undefined) return every;
      const literal = bucket.bySegment.get(firstSegmentOf(resourcePath));
      if (literal === undefined) return bucket.anySegment;
      return bucket.anySegment.length === 0 ? literal : mergeAscending(literal, bucket.anySegment);
    },
  };
}

// One index per rule table, built on first use. Keyed by the array, as the policy's resource
// cache is: the tables of resolved options are frozen; a hand-built one whose length changed is
// indexed again.
const indexes = new WeakMap<readonly CompiledRoute[], RouteIndex>();

/** The index of `routes`, built once per table. */
export function routeIndexFor(routes: readonly CompiledRoute[]): RouteIndex {
  let index = indexes.get(routes);
  if (index === undefined || index.size !== routes.length) {
    index = createRouteIndex(routes);
    indexes.set(routes, index);
  }
  return index;
}
