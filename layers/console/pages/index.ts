import type { PageRoute } from '../page.ts';
import { alertPages } from './alerts.ts';
import { auditPages } from './audit.ts';
import { caseloadPages } from './caseload.ts';
import { childPages } from './child.ts';
import { contactRequestPages } from './contact-requests.ts';
import { homePages } from './home.ts';
import { involvementPages } from './involvements.ts';
import { recordPages } from './records.ts';
import { reviewPages } from './reviews.ts';
import { searchPages } from './search.ts';
import { shieldPages } from './shield.ts';
import { subjectAccessPages } from './subject-access.ts';
import { userPages } from './users.ts';

/** Every page of the console after sign-in, by area. */
export const CONSOLE_PAGES: readonly PageRoute[] = [
  ...homePages,
  ...searchPages,
  // Before childPages: /children/new is not a child's page.
  ...recordPages,
  ...childPages,
  ...involvementPages,
  ...caseloadPages,
  ...alertPages,
  ...shieldPages,
  ...reviewPages,
  ...contactRequestPages,
  ...subjectAccessPages,
  ...userPages,
  ...auditPages,
];
