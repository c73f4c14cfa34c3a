import { defineFunction } from '#functions/define-function.ts';

/**
 * The console: every page of the GOV.UK web front end. It holds no table access: each page calls the API
 * with the signed-in user's own token, so R1–R10 are enforced exactly as for any other client.
 */
export const definition = defineFunction({
  name: 'serve-console',
  trigger: { kind: 'web' },
  access: {},
  settings: ['console'],
});
