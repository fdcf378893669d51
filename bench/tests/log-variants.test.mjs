// The two decision-log variants the bench compares must write the same facts and the same EMF
// metrics, or the comparison means nothing. No durations are asserted.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogInvocation as handBuilt } from '../src/log/hand-built.mjs';
import { makeInvocations } from '../src/log/invocations.mjs';
import { createLogInvocation as powertools } from '../src/log/powertools.mjs';

const ISSUER = 'https://issuer.example.com/';
let lines;
let original;
beforeEach(() => {
  lines = [];
  original = process.stdout.write;
  process.stdout.write = (chunk) => {
    lines.push(
      ...String(chunk)
        .split('\n')
        .filter((l) => l !== ''),
    );
    return true;
  };
});
afterEach(() => {
  process.stdout.write = original;
});

function logged(create) {
  const [invocation] = makeInvocations({ count: 1, issuer: ISSUER, kid: 'kid-1' });
  const log = create();
  lines = [];
  expect(log(invocation)).toBe(true);
  return lines.map((line) => JSON.parse(line));
}

const FACTS = {
  decision: 'allow',
  reason: 'OK',
  eventKind: 'token',
  kid: 'kid-1',
  iss: ISSUER,
  alg: 'RS256',
};

describe('decision-log variants', () => {
  it('hand-built: one line with the decision facts and EMF Decisions and Latency by decision', () => {
    const [line, ...rest] = logged(handBuilt);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ ...FACTS, requestId: 'request-0', Decisions: 1 });
    expect(line.subHash).toMatch(/^[0-9a-f]{16}$/);
    expect(line._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'JwtAuthorizer',
      Dimensions: [['decision']],
      Metrics: [{ Name: 'Decisions' }, { Name: 'Latency' }],
    });
  });

  it('Powertools: the same facts in its log line, and the same metrics in its EMF line', () => {
    const hand = logged(handBuilt)[0];
    const [line, emf, ...rest] = logged(powertools);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      ...FACTS,
      message: 'authorizer decision',
      function_request_id: 'request-0',
    });
    expect(line.subHash).toBe(hand.subHash);
    expect(emf).toMatchObject({ decision: 'allow', Decisions: 1 });
    expect(typeof emf.Latency).toBe('number');
    expect(emf._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'JwtAuthorizer',
      Metrics: [{ Name: 'Decisions' }, { Name: 'Latency' }],
    });
    expect(emf._aws.CloudWatchMetrics[0].Dimensions[0]).toContain('decision');
  });
});
