// The protected functions. Each answers with what the authorizer handed API Gateway for the
// request (its context: sub, scope and the configured claims), never with the token itself.

const json = (body) => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** REST API (`http` event): the context is `requestContext.authorizer`, next to `principalId`. */
export async function rest(event) {
  return json({ api: 'rest', authorizer: event.requestContext.authorizer });
}

/** HTTP API (`httpApi` event, payload 2.0): a Lambda authorizer's context is under `.lambda`. */
export async function httpApi(event) {
  return json({ api: 'http', authorizer: event.requestContext.authorizer.lambda });
}

/**
 * WebSocket `$connect`. A client that offered the token as a subprotocol (`['jwt', token]`) must
 * get `Sec-WebSocket-Protocol: jwt` back, or the browser drops the connection: answer the name,
 * never the token. (serverless-offline ignores this header and lets `ws` pick the first offer,
 * which is `jwt` too.)
 */
export async function connect(event) {
  const offered = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'sec-websocket-protocol',
  )?.[1];
  const protocols = (offered ?? '').split(',').map((p) => p.trim());
  return protocols.includes('jwt')
    ? { statusCode: 200, headers: { 'Sec-WebSocket-Protocol': 'jwt' } }
    : { statusCode: 200 };
}

/** WebSocket messages: the `$connect` authorizer's context rides on every message of the connection. */
export async function message(event) {
  return {
    statusCode: 200,
    body: JSON.stringify({ api: 'websocket', authorizer: event.requestContext.authorizer }),
  };
}
