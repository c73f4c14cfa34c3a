import { defineFunction } from '#functions/define-function.ts';

/**
 * R6, nightly: every audit event re-read and checked against its seal and the copy kept with it, every
 * seal object checked for a second version, the audit index checked against the sealed events, and
 * unsealed events older than the lag counted as failures; any problem raises the alarm.
 */
export const definition = defineFunction({
  name: 'verify-audit-trail',
  trigger: {
    kind: 'schedule',
    daily: { hour: 3, minute: 30 },
    description: 'Verify every audit event against its seal (R6)',
  },
  access: { audit: ['Scan'], auditIndex: ['Scan'] },
  settings: ['adapters', 'auditSeals', 'auditIndex', 'auditVerification'],
  auditSeals: 'verify',
  timeoutSeconds: 900,
});
