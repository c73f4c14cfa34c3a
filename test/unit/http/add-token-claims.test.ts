import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { lambdaContext } from '../../support/events.ts';

let handler: (
  event: PreTokenGenerationV2TriggerEvent,
  context: typeof lambdaContext,
) => Promise<PreTokenGenerationV2TriggerEvent>;

beforeAll(async () => {
  process.env.FEDERATION_RULES = JSON.stringify([
    {
      name: 'LeedsCC',
      organisationId: 'ORG-LEEDS-CC',
      roles: { 'CP-Practitioners': 'practitioner' },
      mfaEvidence: ['mfa'],
    },
  ]);
  ({ handler } = await import('#functions/add-token-claims/handler.ts'));
});

function triggerEvent(
  userAttributes: Record<string, string>,
  groups: string[] = [],
): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-2',
    userPoolId: 'eu-west-2_x',
    userName: 'u',
    callerContext: { awsSdkVersion: '3', clientId: 'c' },
    request: { userAttributes, groupConfiguration: { groupsToOverride: groups }, scopes: [] },
    response: { claimsAndScopeOverrideDetails: null },
  } as unknown as PreTokenGenerationV2TriggerEvent;
}

describe('pre-token-generation trigger', () => {
  it('puts the organisation in both tokens and the mapped roles in the groups claim', async () => {
    const event = await handler(
      triggerEvent({
        identities: JSON.stringify([{ providerName: 'LeedsCC' }]),
        'custom:groups': 'CP-Practitioners',
        'custom:mfa': 'mfa',
      }),
      lambdaContext,
    );
    expect(event.response.claimsAndScopeOverrideDetails).toEqual({
      idTokenGeneration: { claimsToAddOrOverride: { 'custom:organisationId': 'ORG-LEEDS-CC' } },
      accessTokenGeneration: { claimsToAddOrOverride: { 'custom:organisationId': 'ORG-LEEDS-CC' } },
      groupOverrideDetails: { groupsToOverride: ['practitioner'] },
    });
  });

  it('throws, so Cognito refuses the sign-in, when a council sign-in has no MFA evidence (R4)', async () => {
    const event = triggerEvent({
      identities: JSON.stringify([{ providerName: 'LeedsCC' }]),
      'custom:groups': 'CP-Practitioners',
      'custom:mfa': 'pwd',
    });
    await expect(handler(event, lambdaContext)).rejects.toThrow(/multi-factor/);
  });
});
