import { definition as addTokenClaims } from './add-token-claims/schema.ts';
import { definition as approveAccountChange } from './approve-account-change/schema.ts';
import { definition as closeContactRequest } from './close-contact-request/schema.ts';
import { definition as createChild } from './create-child/schema.ts';
import { definition as decideReview } from './decide-review/schema.ts';
import type { FunctionDefinition } from './define-function.ts';
import { definition as getOpenApi } from './get-openapi/schema.ts';
import { definition as grantAccount } from './grant-account/schema.ts';
import { definition as linkFeedChunk } from './link-feed-chunk/schema.ts';
import { definition as listAccountChanges } from './list-account-changes/schema.ts';
import { definition as listAccounts } from './list-accounts/schema.ts';
import { definition as listChildContactRequests } from './list-child-contact-requests/schema.ts';
import { definition as listChildSources } from './list-child-sources/schema.ts';
import { definition as listContactRequests } from './list-contact-requests/schema.ts';
import { definition as listMisuseAlerts } from './list-misuse-alerts/schema.ts';
import { definition as listOwnAlerts } from './list-own-alerts/schema.ts';
import { definition as listReviews } from './list-reviews/schema.ts';
import { definition as markAlertRead } from './mark-alert-read/schema.ts';
import { definition as prepareSubjectAccessReport } from './prepare-subject-access-report/schema.ts';
import { definition as raiseInvolvementAlerts } from './raise-involvement-alerts/schema.ts';
import { definition as raiseRecordAlerts } from './raise-record-alerts/schema.ts';
import { definition as readArchivedChild } from './read-archived-child/schema.ts';
import { definition as readChildAuditTrail } from './read-child-audit-trail/schema.ts';
import { definition as readUserAuditTrail } from './read-user-audit-trail/schema.ts';
import { definition as recordDeathNotice } from './record-death-notice/schema.ts';
import { definition as recordRetentionConsent } from './record-retention-consent/schema.ts';
import { definition as refuseAccountChange } from './refuse-account-change/schema.ts';
import { definition as registerInvolvement } from './register-involvement/schema.ts';
import { definition as rekeyChildren } from './rekey-children/schema.ts';
import { definition as reportFeedLoad } from './report-feed-load/schema.ts';
import { definition as requestContact } from './request-contact/schema.ts';
import { definition as reviewMisuseAlert } from './review-misuse-alert/schema.ts';
import { definition as runRetention } from './run-retention/schema.ts';
import { definition as sealAuditEvents } from './seal-audit-events/schema.ts';
import { definition as searchChildren } from './search-children/schema.ts';
import { definition as sendAlertDigests } from './send-alert-digests/schema.ts';
import { definition as serveConsole } from './serve-console/schema.ts';
import { definition as shieldChild } from './shield-child/schema.ts';
import { definition as splitChildSource } from './split-child-source/schema.ts';
import { definition as splitFeedFile } from './split-feed-file/schema.ts';
import { definition as suspendExpiredAccounts } from './suspend-expired-accounts/schema.ts';
import { definition as unshieldChild } from './unshield-child/schema.ts';
import { definition as updateAccount } from './update-account/schema.ts';
import { definition as updateAlertPreferences } from './update-alert-preferences/schema.ts';
import { definition as updateChild } from './update-child/schema.ts';
import { definition as updateInvolvement } from './update-involvement/schema.ts';
import { definition as verifyAuditTrail } from './verify-audit-trail/schema.ts';
import { definition as viewAlertPreferences } from './view-alert-preferences/schema.ts';
import { definition as viewChild } from './view-child/schema.ts';
import { definition as viewOwnAccount } from './view-own-account/schema.ts';
import { definition as viewWithOverride } from './view-with-override/schema.ts';
import { definition as warnBeforeOverride } from './warn-before-override/schema.ts';
import { definition as withdrawRetentionConsent } from './withdraw-retention-consent/schema.ts';

/**
 * Every function of ContactPoint, whatever invokes it: the one list that API Gateway and the OpenAPI
 * document (routes), the jobs stack (schedules, operator jobs, stream consumers), the feeds stack (feed loads), the identity stack (the sign-in
 * trigger), monitoring, IAM and the local stand-in all iterate. A new function is its folder and one
 * line here.
 */
export const FUNCTIONS: readonly FunctionDefinition[] = [
  // API routes, in the order the OpenAPI document lists them
  searchChildren,
  viewChild,
  createChild,
  updateChild,
  registerInvolvement,
  updateInvolvement,
  shieldChild,
  unshieldChild,
  requestContact,
  listChildContactRequests,
  listContactRequests,
  closeContactRequest,
  listReviews,
  decideReview,
  listChildSources,
  splitChildSource,
  recordRetentionConsent,
  withdrawRetentionConsent,
  recordDeathNotice,
  warnBeforeOverride,
  viewWithOverride,
  grantAccount,
  updateAccount,
  listAccounts,
  listAccountChanges,
  approveAccountChange,
  refuseAccountChange,
  viewOwnAccount,
  listOwnAlerts,
  markAlertRead,
  viewAlertPreferences,
  updateAlertPreferences,
  readChildAuditTrail,
  readUserAuditTrail,
  readArchivedChild,
  listMisuseAlerts,
  reviewMisuseAlert,
  prepareSubjectAccessReport,
  getOpenApi,
  // The console (the GOV.UK web front end), on the API above
  serveConsole,
  // Sign-in
  addTokenClaims,
  // Schedules
  suspendExpiredAccounts,
  verifyAuditTrail,
  runRetention,
  sendAlertDigests,
  // Started by an operator
  rekeyChildren,
  // Stream consumers
  sealAuditEvents,
  raiseRecordAlerts,
  raiseInvolvementAlerts,
  // A national feed load's steps (R8), in the order its state machine runs them
  splitFeedFile,
  linkFeedChunk,
  reportFeedLoad,
];

/** The API's routes, from the functions they trigger. */
export const ROUTES = FUNCTIONS.flatMap((f) => (f.trigger.kind === 'http' ? [f.trigger.route] : []));
