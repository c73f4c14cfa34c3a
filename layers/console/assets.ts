import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface StaticAsset {
  /** Its path under /assets/. */
  key: string;
  /** Where the file is in the repository (or node_modules). */
  file: string;
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(root, entry.name)) : [join(root, entry.name)],
  );
}

/**
 * Every static file the console's pages load, served at /assets/: GOV.UK Frontend's stylesheet, script,
 * fonts and images, and the console's own stylesheet and start-up script. In AWS these go to the assets
 * bucket behind CloudFront; locally the console server serves them. Pages load nothing from anywhere else.
 */
export function consoleAssets(): StaticAsset[] {
  const govuk = join(
    dirname(createRequire(import.meta.url).resolve('govuk-frontend/package.json')),
    'dist',
    'govuk',
  );
  const own = join(dirname(fileURLToPath(import.meta.url)), 'static');
  const assets = join(govuk, 'assets');
  return [
    { key: 'govuk-frontend.min.css', file: join(govuk, 'govuk-frontend.min.css') },
    { key: 'govuk-frontend.min.js', file: join(govuk, 'govuk-frontend.min.js') },
    ...filesUnder(assets).map((file) => ({ key: relative(assets, file).split('\\').join('/'), file })),
    ...filesUnder(own).map((file) => ({ key: relative(own, file).split('\\').join('/'), file })),
  ];
}

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff: 'font/woff',
  woff2: 'font/woff2',
};

export function contentTypeOf(key: string): string {
  return TYPES[key.slice(key.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
}
