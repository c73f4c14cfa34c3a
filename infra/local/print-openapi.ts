import { ROUTES } from '#functions/manifest.ts';
import { openApiDocument } from '#http/openapi.ts';

/** `npm run openapi`: prints the OpenAPI document the API serves at /openapi.json. */
process.stdout.write(`${JSON.stringify(openApiDocument(ROUTES), null, 2)}\n`);
