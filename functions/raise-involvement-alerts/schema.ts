import { defineFunction } from '#functions/define-function.ts';

/**
 * R9 from the involvements table's stream: a practitioner registered with a child ("you are not alone", both
 * ways) or ended their involvement — the other practitioners with an active involvement are told.
 */
export const definition = defineFunction({
  name: 'raise-involvement-alerts',
  trigger: { kind: 'stream', table: 'involvements', batchSize: 100, batchingWindowSeconds: 5 },
  access: {
    children: ['GetItem'],
    involvements: ['Query'],
    directory: ['GetItem'],
    alerts: ['PutItem'],
  },
  settings: ['adapters', 'alerts'],
  timeoutSeconds: 60,
});
