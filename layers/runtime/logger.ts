import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger. What it may carry: route, status, timings, request and user IDs.
 * What it never carries: a child's name, address, date of birth or identifiers — so no request
 * parameters, bodies or responses are ever logged.
 */
export const logger = new Logger({ serviceName: 'contactpoint' });
