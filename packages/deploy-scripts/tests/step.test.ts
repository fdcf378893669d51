import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allOf,
  anyOf,
  conditionHolds,
  describeCondition,
  FACTS,
  type FactName,
  type Facts,
  fact,
  formatCalls,
  not,
  type PlannedCall,
  selectCalls,
  some,
} from '../src/step.js';

const NAMES = Object.keys(FACTS) as FactName[];

describe('conditionHolds', () => {
  it('stops like && and || so a later part may name a fact read only when the earlier ones held', () => {
    const facts: Facts = { functionExists: false };
    expect(conditionHolds(allOf(fact('functionExists'), fact('codeDiffers')), facts)).toBe(false);
    expect(conditionHolds(anyOf(not('functionExists'), fact('codeDiffers')), facts)).toBe(true);
  });

  it('throws when a condition names a fact no step read: the plan and its step disagree', () => {
    expect(() => conditionHolds(fact('codeDiffers'), { functionExists: true })).toThrow(
      "the plan's condition names codeDiffers, which no step read",
    );
    expect(() => conditionHolds(some('unprotectedMethods'), {})).toThrow(/unprotectedMethods/);
  });

  it('agrees with boolean logic for every assignment of the facts', () => {
    const assignment = fc.record(Object.fromEntries(NAMES.map((name) => [name, fc.boolean()])));
    const name = fc.constantFrom(...NAMES);
    fc.assert(
      fc.property(assignment, name, name, (facts, a, b) => {
        const value = (n: FactName) => (facts as Record<string, boolean>)[n] === true;
        expect(conditionHolds(fact(a), facts)).toBe(value(a));
        expect(conditionHolds(not(a), facts)).toBe(!value(a));
        expect(conditionHolds(anyOf(fact(a), not(b)), facts)).toBe(value(a) || !value(b));
        expect(conditionHolds(allOf(not(a), fact(b)), facts)).toBe(!value(a) && value(b));
      }),
    );
  });
});

describe('selectCalls', () => {
  const plan: PlannedCall[] = [
    { service: 'iam', operation: 'GetRole', resource: 'role r' },
    { service: 'iam', operation: 'CreateRole', resource: 'role r', when: not('executionRoleExists') },
    {
      service: 'iam',
      operation: 'DetachRolePolicy',
      resource: 'role r',
      when: fact('executionRoleExists'),
      each: 'executionRoleManagedPolicies',
    },
    { service: 'iam', operation: 'DeleteRole', resource: 'role r', when: fact('executionRoleExists') },
  ];

  it('keeps the calls whose conditions hold, in plan order, once per counted item', () => {
    expect(selectCalls(plan, { executionRoleExists: true, executionRoleManagedPolicies: 2 })).toEqual([
      'iam:GetRole',
      'iam:DetachRolePolicy',
      'iam:DetachRolePolicy',
      'iam:DeleteRole',
    ]);
    expect(selectCalls(plan, { executionRoleExists: false })).toEqual(['iam:GetRole', 'iam:CreateRole']);
  });

  it('throws when a counted call holds but its count was never read', () => {
    expect(() => selectCalls(plan, { executionRoleExists: true })).toThrow(/executionRoleManagedPolicies/);
  });
});

describe('formatCalls and describeCondition', () => {
  it('print the call, what it acts on, when and with what', () => {
    expect(
      formatCalls([
        {
          service: 'lambda',
          operation: 'UpdateFunctionCode',
          resource: 'function f',
          when: allOf(fact('functionExists'), fact('codeDiffers')),
          detail: 'the zip',
        },
        {
          service: 'apigateway',
          operation: 'UpdateMethod',
          resource: 'REST API a1',
          each: 'unprotectedMethods',
        },
      ]),
    ).toEqual([
      "   1. lambda:UpdateFunctionCode               function f, if the function exists and CodeSha256 differs from the zip's: the zip",
      '   2. apigateway:UpdateMethod                 REST API a1, for each method with no authorization (not OPTIONS)',
    ]);
  });

  it('brackets a group inside another', () => {
    expect(
      describeCondition(
        anyOf(not('authorizerExists'), allOf(fact('stageExists'), some('unprotectedMethods'))),
      ),
    ).toBe(
      'the authorizer is missing or (the stage exists and there is a method with no authorization (not OPTIONS))',
    );
  });
});
