import { openApiDocument } from '#http/openapi.ts';
import { ROUTES } from '#http/routes.ts';

/** `npm run openapi`: prints the OpenAPI document the API serves at /openapi.json. */
process.stdout.write(`${JSON.stringify(openApiDocument(ROUTES), null, 2)}\n`);
