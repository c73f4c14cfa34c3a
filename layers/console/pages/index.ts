import type { PageRoute } from '../page.ts';
import { alertPages } from './alerts.ts';
import { auditPages } from './audit.ts';
import { childPages } from './child.ts';
import { homePages } from './home.ts';
import { involvementPages } from './involvements.ts';
import { searchPages } from './search.ts';
import { userPages } from './users.ts';

/** Every page of the console after sign-in, by area. */
export const CONSOLE_PAGES: readonly PageRoute[] = [
  ...homePages,
  ...searchPages,
  ...childPages,
  ...involvementPages,
  ...alertPages,
  ...userPages,
  ...auditPages,
];
