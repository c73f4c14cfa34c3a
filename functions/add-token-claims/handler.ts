import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { claimsForSignIn, SignInRefusedError } from '#domain/access/federation.ts';
import { logger } from '#runtime/logger.ts';
import { readSettings } from '#runtime/settings.ts';

/**
 * Cognito pre-token-generation (V2) trigger: puts the organisation and roles in the ID and access
 * tokens, and refuses a council sign-in that carries no MFA evidence (R4). Throwing here makes Cognito
 * refuse the sign-in.
 */
const config = readSettings('federation');

export const handler = middy<PreTokenGenerationV2TriggerEvent, PreTokenGenerationV2TriggerEvent>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    try {
      const claims = claimsForSignIn(
        event.request.userAttributes,
        event.request.groupConfiguration.groupsToOverride ?? [],
        config.FEDERATION_RULES,
      );
      const added = { 'custom:organisationId': claims.organisationId };
      event.response = {
        claimsAndScopeOverrideDetails: {
          idTokenGeneration: { claimsToAddOrOverride: added },
          accessTokenGeneration: { claimsToAddOrOverride: added },
          groupOverrideDetails: { groupsToOverride: claims.roles },
        },
      };
      return event;
    } catch (error) {
      if (error instanceof SignInRefusedError) logger.warn('sign-in refused', { reason: error.message });
      throw error;
    }
  });
