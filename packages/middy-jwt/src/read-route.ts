/** The method and resource path of an HTTP event, as route rules match them. */
export interface EventRoute {
  readonly method: string;
  /** Without the stage prefix, e.g. `/pets/42`. */
  readonly path: string;
}

/**
 * Reads the method and path of an API Gateway REST (v1), HTTP API (v2), function URL or ALB event.
 * Payload 2.0 paths of a named stage start with the stage (`/dev/pets`), which rules do not name.
 */
export function readRoute(event: unknown): EventRoute | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const e = event as Record<string, unknown>;
  if (typeof e.httpMethod === 'string' && typeof e.path === 'string') {
    return { method: e.httpMethod, path: e.path };
  }
  const requestContext = e.requestContext as Record<string, unknown> | undefined;
  const http = requestContext?.http as Record<string, unknown> | undefined;
  const method = http?.method;
  const path = typeof e.rawPath === 'string' ? e.rawPath : http?.path;
  if (typeof method !== 'string' || typeof path !== 'string') return undefined;
  const stage = requestContext?.stage;
  if (typeof stage === 'string' && stage !== '$default' && stage !== '') {
    const prefix = `/${stage}`;
    if (path === prefix) return { method, path: '/' };
    if (path.startsWith(`${prefix}/`)) return { method, path: path.slice(prefix.length) };
  }
  return { method, path };
}
