import { defineFunction } from '#functions/define-function.ts';

/** R6, nightly: every audit event re-read and checked against its seal; any problem raises the alarm. */
export const definition = defineFunction({
  name: 'verify-audit-trail',
  trigger: {
    kind: 'schedule',
    daily: { hour: 3, minute: 30 },
    description: 'Verify every audit event against its seal (R6)',
  },
  access: { audit: ['Scan'] },
  settings: ['adapters', 'auditSeals'],
  auditSeals: 'verify',
  timeoutSeconds: 900,
});
