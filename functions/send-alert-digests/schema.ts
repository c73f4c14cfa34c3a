import { defineFunction } from '#functions/define-function.ts';

/** R9, daily: one e-mail per user with alerts waiting (how many and a link, no child details). */
export const definition = defineFunction({
  name: 'send-alert-digests',
  trigger: {
    kind: 'schedule',
    daily: { hour: 7, minute: 0 },
    description:
      'E-mail each user whose alerts are waiting how many there are, with a link to the inbox (R9)',
  },
  access: {
    directory: ['GetItem'],
    alerts: ['Query', 'GetItem', 'UpdateItem'],
  },
  settings: ['adapters', 'alerts', 'mail'],
  sendsMail: true,
  timeoutSeconds: 600,
});
