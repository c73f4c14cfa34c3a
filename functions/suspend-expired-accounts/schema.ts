import * as z from 'zod';
import type { TableAccess } from '#http/route.ts';

/** The one setting this job needs beyond the common ones. */
export const ALERTS_TABLE_SETTING = z.object({ ALERTS_TABLE: z.string().min(1) });

/** Tables and actions the job uses: its IAM policy is built from this. */
export const access: TableAccess = {
  directory: ['GetItem', 'Query', 'PutItem'],
  audit: ['PutItem'],
  alerts: ['BatchWriteItem'],
};

export const identityActions = ['AdminDisableUser', 'AdminUserGlobalSignOut'] as const;
