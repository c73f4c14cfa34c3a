import { defineFunction } from '#functions/define-function.ts';

/**
 * R7, daily after midnight in the UK (02:30 UTC is after midnight in London in winter and summer): records
 * whose leaving day has come are archived and leave the live directory; archives six years old are destroyed.
 */
export const definition = defineFunction({
  name: 'run-retention',
  trigger: {
    kind: 'schedule',
    daily: { hour: 2, minute: 30 },
    description: 'Archive records whose leaving day has come, destroy archives six years old (R7)',
  },
  access: {
    // The retention index (Query), each record's partition (Query), the record (GetItem); what else names the
    // child by the byOwnerChild and byNotChild indexes (Query), its open review items by byCandidate (Query,
    // GetItem); deletes and the archive entry in transactions (DeleteItem, PutItem). Never Scan.
    children: ['GetItem', 'Query', 'PutItem', 'DeleteItem'],
    involvements: ['Query', 'DeleteItem'],
    contactRequests: ['Query', 'DeleteItem'],
    reviews: ['GetItem', 'Query', 'DeleteItem'],
    audit: ['PutItem'],
    // R9: a leaving child's alerts, found in its practitioners' inboxes (Query) and deleted.
    alerts: ['Query', 'DeleteItem'],
  },
  settings: ['adapters', 'searchKeys', 'contactRequests', 'reviews', 'archive', 'alerts'],
  archive: 'write',
  timeoutSeconds: 900,
});
