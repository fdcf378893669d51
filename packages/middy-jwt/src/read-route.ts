/** The method and resource path of an HTTP event, as route rules match them. */
export interface EventRoute {
  readonly method: string;
  /** The API's own resource path, e.g. `/pets/42`: never the stage or a custom-domain base path. */
  readonly path: string;
  /**
   * True when `path` is the request path as the event carries it (ALB, function URLs, the payload
   * 2.0 `$default` route), which may still be percent-encoded; false when it was rebuilt from the
   * matched route and API Gateway's (decoded) path parameters.
   */
  readonly asSent: boolean;
}

const TEMPLATE_PARAMETER = /\{([^/{}]+?)\+?\}/g;

/**
 * Reads the method and path of an API Gateway REST (v1), HTTP API (v2), function URL or ALB event.
 *
 * Behind a custom domain with a base path mapping, `path` and `rawPath` start with the base path
 * (`/v1/admin/users/1` for the route `/admin/{proxy+}`), which rules do not name and the function
 * cannot tell apart from the API's own path. So when API Gateway says which route it matched, the
 * path is rebuilt from that route's template and the path parameters: REST and payload 1.0
 * `resource`, payload 2.0 `routeKey`. Only events without a route template (ALB, function URLs, the
 * payload 2.0 `$default` route) use the request path, less a payload 2.0 stage prefix (`/dev/pets`).
 *
 * @returns undefined when the event names no route, or names a path parameter it does not carry.
 */
export function readRoute(event: unknown): EventRoute | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  const requestContext = e.requestContext as Record<string, unknown> | undefined;
  if (typeof e.httpMethod === 'string' && typeof e.path === 'string') {
    const method = e.httpMethod;
    if (typeof e.resource === 'string' && e.resource.startsWith('/')) {
      return withTemplate(method, e.resource, e.pathParameters);
    }
    return { method, path: stripStage(e.path, requestContext), asSent: true };
  }
  const http = requestContext?.http as Record<string, unknown> | undefined;
  const method = http?.method;
  if (typeof method !== 'string') return undefined;
  const routeKey = e.routeKey;
  if (typeof routeKey === 'string' && routeKey !== '$default') {
    // `GET /admin/{proxy+}`, `ANY /pets`: the method comes from the request, the path from the route.
    const template = routeKey.slice(routeKey.indexOf(' ') + 1);
    if (!template.startsWith('/')) return undefined;
    return withTemplate(method, template, e.pathParameters);
  }
  const path = typeof e.rawPath === 'string' ? e.rawPath : http?.path;
  if (typeof path !== 'string') return undefined;
  return { method, path: stripStage(path, requestContext), asSent: true };
}

/** Fills `{name}` and `{name+}` from the path parameters; undefined when one is missing. */
function withTemplate(method: string, template: string, parameters: unknown): EventRoute | undefined {
  const values = (typeof parameters === 'object' && parameters !== null ? parameters : {}) as Record<
    string,
    unknown
  >;
  let complete = true;
  const path = template.replace(TEMPLATE_PARAMETER, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (typeof value === 'string') return value;
    complete = false;
    return '';
  });
  return complete ? { method, path, asSent: false } : undefined;
}

function stripStage(path: string, requestContext: Record<string, unknown> | undefined): string {
  const stage = requestContext?.stage;
  if (typeof stage !== 'string' || stage === '$default' || stage === '') return path;
  const prefix = `/${stage}`;
  if (path === prefix) return '/';
  if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length);
  return path;
}
