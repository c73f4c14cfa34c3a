import { defineFunction } from '#functions/define-function.ts';

/**
 * R6 sealing and R10 misuse detection: every batch of the audit table's stream becomes the next seal of
 * the chain (one batch at a time, so the chain never forks), is filed for oversight reads, and is
 * checked against the misuse rules (per-user-day counters, one alert item per reviewing organisation).
 */
export const definition = defineFunction({
  name: 'seal-audit-events',
  trigger: { kind: 'stream', table: 'audit', batchSize: 500, batchingWindowSeconds: 5 },
  access: {
    auditIndex: ['BatchWriteItem', 'Query'],
    children: ['GetItem'],
    involvements: ['Query'],
    directory: ['GetItem', 'Query'],
    alerts: ['PutItem'],
    misuseCounters: ['BatchGetItem', 'GetItem', 'PutItem', 'UpdateItem'],
  },
  settings: ['adapters', 'auditIndex', 'alerts', 'auditSeals', 'misuse', 'misuseCounters'],
  auditSeals: 'seal',
  timeoutSeconds: 60,
});
