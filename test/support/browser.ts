import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { generate } from 'otplib';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Role } from '#domain/access/principal.ts';
import { type LocalStack, pickUser } from '#infra/local/stack.ts';

/** Debian's Chromium (`.ci/run` installs it); never a browser downloaded by a test tool. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = resolve(import.meta.dirname, '..', '..', 'test-results');

/** As root in a container, without a GPU or network: no sandbox, nothing fetched in the background. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: run .ci/run, or apt-get install chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
}

/**
 * A fresh browser context (no cookies) that fails the test on any console error — a CSP violation, a
 * script error, a failed asset — and on any request leaving the machine.
 */
export async function freshContext(
  browser: Browser,
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
  });
  const problems: string[] = [];
  const page = await context.newPage();
  page.on('console', (message) => {
    // A page answered 403/404 on purpose logs "Failed to load resource"; only the page's own errors count.
    if (
      message.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of (403|404|400)/.test(message.text())
    )
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (!['127.0.0.1', 'localhost'].includes(url.hostname) && url.protocol !== 'data:')
      problems.push(`left the machine: ${url}`);
  });
  return { context, page, problems };
}

const axeSource: string = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's WCAG 2.2 A and AA rules on the page as it stands; the violations, none expected. */
export async function accessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) does not stop it.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // Runs in the page: its globals, typed here by hand (the tests compile without the DOM library).
    const inPage = globalThis as unknown as {
      axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };
      document: unknown;
    };
    const result = await inPage.axe.run(inPage.document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
}

/**
 * Saves the page as it stands under test-results/, and checks it with axe-core — unless the page's JavaScript is
 * off (axe runs in the page; the same pages are checked with it on).
 */
export async function capture(page: Page, name: string, options: { axe?: boolean } = {}): Promise<void> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });
  if (options.axe === false) return;
  const violations = await accessibilityViolations(page);
  expect(violations, `accessibility of ${name} (${page.url()}): ${JSON.stringify(violations)}`).toEqual([]);
}

/** Signs in through the console's pages, as a person would: e-mail, password, then the authenticator code. */
export async function signInAs(page: Page, stack: LocalStack, who: Role | string): Promise<void> {
  const user = pickUser(stack.state, who);
  if (!user) throw new Error(`No local user for ${who}`);
  await page.goto(`${stack.consoleUrl}/sign-in`);
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password', { exact: true }).fill(stack.state.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page
    .getByLabel('Enter the code from your authenticator app')
    .fill(await generate({ secret: user.totpSecret }));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as').waitFor();
}

/** Fills a GOV.UK date input (day, month, year) from an ISO date. */
export async function fillDate(page: Page, id: string, iso: string): Promise<void> {
  const [year = '', month = '', day = ''] = iso.split('-');
  await page.locator(`#${id}-day`).fill(String(Number(day)));
  await page.locator(`#${id}-month`).fill(String(Number(month)));
  await page.locator(`#${id}-year`).fill(year);
}
