import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition } from '#functions/serve-console/schema.ts';
import { copyRuntimeFilesCommands, esbuildOptions, runtimeFilesOf } from '#infra/constructs/bundling.ts';

const root = join(import.meta.dirname, '..', '..');
let outdir: string;

/** serve-console as the house construct bundles it: the same esbuild options, then its afterBundling hook. */
beforeAll(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'contactpoint-console-bundle-'));
  await build({
    ...esbuildOptions(join(root, 'functions', 'serve-console', 'handler.ts'), join(outdir, 'index.mjs')),
    absWorkingDir: root,
  });
  for (const command of copyRuntimeFilesCommands(runtimeFilesOf(definition), root, outdir))
    execFileSync('bash', ['-c', command], { stdio: 'pipe' });
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );

describe('the console function’s bundle', () => {
  it('carries the console templates beside its entry file and only the .njk files of GOV.UK Frontend', () => {
    expect(existsSync(join(outdir, 'templates', 'layout.njk'))).toBe(true);
    expect(existsSync(join(outdir, 'templates', 'sign-in.njk'))).toBe(true);
    const govuk = join(outdir, 'node_modules', 'govuk-frontend');
    expect(existsSync(join(govuk, 'package.json'))).toBe(true);
    expect(existsSync(join(govuk, 'dist', 'govuk', 'template.njk'))).toBe(true);
    expect(existsSync(join(govuk, 'dist', 'govuk', 'components', 'button', 'macro.njk'))).toBe(true);
    const shipped = filesUnder(join(govuk, 'dist'));
    expect(shipped.length).toBeGreaterThan(50);
    expect(shipped.filter((f) => !f.endsWith('.njk'))).toEqual([]);
  });

  it('gives no other function run-time files', () => {
    expect(runtimeFilesOf({ trigger: { kind: 'sign-in' } })).toEqual([]);
  });

  it('starts from the bundle alone and renders a GOV.UK page with its macros', () => {
    // A separate Node process, as Lambda runs it: the bundle imported from its own directory, with the local
    // sign-in settings (no AWS call at cold start), answering GET /sign-in.
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(outdir, 'index.mjs')).href)});
      const event = { rawPath: '/sign-in', rawQueryString: '', headers: { host: 'console.test' }, cookies: [],
        requestContext: { http: { method: 'GET', sourceIp: '192.0.2.1' }, requestId: 'bundle-test' }, isBase64Encoded: false };
      const result = await handler(event, { awsRequestId: 'bundle-test', functionName: 'serve-console' });
      process.stdout.write(JSON.stringify(result));`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: tmpdir(),
      env: {
        PATH: process.env.PATH,
        SIGN_IN: 'password',
        API_URL: 'http://127.0.0.1:9/',
        CONSOLE_URL: 'http://console.test',
        SESSION_IDLE_MINUTES: '15',
        LOCAL_SESSION_KEY: 'ab'.repeat(32),
        AWS_REGION: 'eu-west-2',
        COGNITO_ENDPOINT: 'http://127.0.0.1:9/',
        USER_POOL_CLIENT_ID: 'bundle-test',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
      encoding: 'utf8',
    });
    const result = JSON.parse(output) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    // The GOV.UK template's own markup and the input macro's, around the console's own page.
    expect(result.body).toContain('govuk-template');
    expect(result.body).toContain('govuk-input');
    expect(result.body).toContain('Sign in to ContactPoint');
  });
});
