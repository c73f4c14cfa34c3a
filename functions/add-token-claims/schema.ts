import { defineFunction } from '#functions/define-function.ts';

/**
 * Cognito's pre-token-generation trigger: the organisation and roles in every token, and no council
 * sign-in without MFA evidence (R4).
 */
export const definition = defineFunction({
  name: 'add-token-claims',
  trigger: { kind: 'sign-in' },
  access: {},
  settings: ['federation'],
  timeoutSeconds: 5,
});
