import { defineFunction } from '#functions/define-function.ts';

/**
 * The re-keying migration, after the blocking-key secret gains a new current key: every child's key items
 * and identifier claims rewritten under it, then the records still under an older key counted. Started by
 * an operator (docs/operator-guide.md); it returns its cursor before its time runs out and the state
 * machine invokes it again from there.
 */
export const definition = defineFunction({
  name: 'rekey-children',
  trigger: { kind: 'job', description: 'Re-key every child under the current blocking-key secret' },
  // Scan the record items; re-read one that changed (GetItem); list its key items (Query); and the
  // transaction's writes: the record's generation (UpdateItem), key items and claims (PutItem, DeleteItem).
  access: {
    children: ['Scan', 'GetItem', 'Query', 'UpdateItem', 'PutItem', 'DeleteItem', 'ConditionCheckItem'],
  },
  settings: ['adapters', 'searchKeys'],
  timeoutSeconds: 900,
});
