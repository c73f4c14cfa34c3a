import { defineFunction } from '#functions/define-function.ts';

/**
 * R9 from the children table's stream: a record's address, school or GP changed, or it was shielded or
 * unshielded — its practitioners with an active involvement are told, as their own view allows.
 */
export const definition = defineFunction({
  name: 'raise-record-alerts',
  trigger: {
    kind: 'stream',
    table: 'children',
    batchSize: 100,
    batchingWindowSeconds: 5,
    // The table also holds search keys, feed rows and claims: only record items reach the function.
    onlySortKey: 'RECORD',
  },
  access: {
    children: ['GetItem'],
    involvements: ['Query'],
    directory: ['GetItem'],
    alerts: ['PutItem'],
  },
  settings: ['adapters', 'alerts'],
  timeoutSeconds: 60,
});
