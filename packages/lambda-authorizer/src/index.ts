import { fileURLToPath } from 'node:url';
import { startHandler } from './cold-start.js';

// The Lambda entry (`index.handler`): importing this module is the cold start, so a missing or
// malformed setting fails the init phase with a message naming the variable.
const started = await startHandler({
  baseDir: fileURLToPath(new URL('.', import.meta.url)),
});

/**
 * The API Gateway Lambda authorizer (`index.handler`) for REST TOKEN, REST REQUEST and HTTP API
 * payload 2.0 events, configured from the environment at cold start.
 *
 * @throws {Error} `Unauthorized` (API Gateway answers 401) for an invalid or missing token; another
 *   message (500) when the issuer's keys are unavailable or the event is not an authorizer event.
 * @example
 * // Lambda handler setting: index.handler
 * const policy = await handler({ type: 'TOKEN', authorizationToken: 'Bearer eyJ…', methodArn }, context);
 */
export const handler = started.handler;
