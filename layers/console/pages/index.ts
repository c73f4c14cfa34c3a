import type { PageRoute } from '../page.ts';
import { homePages } from './home.ts';

/** Every page of the console after sign-in, by area. */
export const CONSOLE_PAGES: readonly PageRoute[] = [...homePages];
