// What the decision log sees per invocation: a TOKEN event, a Lambda context, the verified token
// the core returned and the route decision. Distinct subjects, so no per-token memo is ever hit.

/** `count` invocations of an allowed request, each with its own context and verified token. */
export function makeInvocations({ count, issuer, kid = 'bench-rsa' }) {
  return Array.from({ length: count }, (_, i) => ({
    event: {
      type: 'TOKEN',
      authorizationToken: 'Bearer x',
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/pets',
    },
    context: {
      awsRequestId: `request-${i}`,
      functionName: 'bench-authorizer',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:bench-authorizer',
      memoryLimitInMB: '1024',
      logGroupName: '/aws/lambda/bench-authorizer',
      logStreamName: 'bench',
      getRemainingTimeInMillis: () => 3000,
    },
    verified: Object.freeze({
      header: Object.freeze({ alg: 'RS256', kid }),
      claims: Object.freeze({ sub: `auth0|user-${i}`, iss: issuer }),
      issuer,
      scopes: Object.freeze([]),
    }),
    decision: Object.freeze({ allowed: true, missingScopes: Object.freeze([]) }),
  }));
}
