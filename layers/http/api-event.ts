import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Principal } from '#domain/access/principal.ts';
import type { RequestFacts } from '#domain/audit/event.ts';
import type { RouteDefinition, RouteInput } from './route.ts';

/** The event a handler sees once the middleware stack has run. */
export interface ApiEvent<R extends RouteDefinition> extends APIGatewayProxyEvent {
  input: RouteInput<R>;
  principal: R['action'] extends null ? undefined : Principal;
  facts: RequestFacts;
}
