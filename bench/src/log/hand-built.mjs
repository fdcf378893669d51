// The decision log as the handler writes it: lambda-authorizer's createDecisionLog, one JSON line
// per invocation with the EMF metrics built in, through its default stdout writer. Bundled as is
// for the cold-start variant, imported as is for the per-invocation row.
import { createDecisionLog } from '@jwt-authorizer/lambda-authorizer/dist/decision-log.js';

/** Builds the log (init) and returns what one invocation does with it. */
export function createLogInvocation() {
  const log = createDecisionLog();
  return function logInvocation({ event, context, verified, decision }) {
    const request = { event, context };
    log.hooks.requestStart(request);
    log.recordDecision(context, verified, decision);
    log.hooks.requestEnd(request);
    return true;
  };
}
