import { route as createChild } from '#functions/create-child/schema.ts';
import { route as getOpenApi } from '#functions/get-openapi/schema.ts';
import { route as grantAccount } from '#functions/grant-account/schema.ts';
import { route as listAccounts } from '#functions/list-accounts/schema.ts';
import { route as prepareSubjectAccessReport } from '#functions/prepare-subject-access-report/schema.ts';
import { route as readChildAuditTrail } from '#functions/read-child-audit-trail/schema.ts';
import { route as readUserAuditTrail } from '#functions/read-user-audit-trail/schema.ts';
import { route as registerInvolvement } from '#functions/register-involvement/schema.ts';
import { route as searchChildren } from '#functions/search-children/schema.ts';
import { route as shieldChild } from '#functions/shield-child/schema.ts';
import { route as unshieldChild } from '#functions/unshield-child/schema.ts';
import { route as updateAccount } from '#functions/update-account/schema.ts';
import { route as updateChild } from '#functions/update-child/schema.ts';
import { route as updateInvolvement } from '#functions/update-involvement/schema.ts';
import { route as viewChild } from '#functions/view-child/schema.ts';
import { route as viewOwnAccount } from '#functions/view-own-account/schema.ts';
import type { RouteDefinition } from './route.ts';

/**
 * The route table: the single source for API Gateway (CDK), the local gateway and the OpenAPI
 * document. Each entry is declared beside its handler, in functions/<name>/schema.ts.
 */
export const ROUTES: readonly RouteDefinition[] = [
  searchChildren,
  viewChild,
  createChild,
  updateChild,
  registerInvolvement,
  updateInvolvement,
  shieldChild,
  unshieldChild,
  grantAccount,
  updateAccount,
  listAccounts,
  viewOwnAccount,
  readChildAuditTrail,
  readUserAuditTrail,
  prepareSubjectAccessReport,
  getOpenApi,
];
