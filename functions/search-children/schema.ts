import * as z from 'zod';
import { MatchSummarySchema, matchSummaryExample } from '#domain/disclosure/view-schema.ts';
import {
  MAX_MATCHES,
  requireNameAndBirthOrIdentifier,
  searchCriteriaShape,
} from '#domain/search/criteria.ts';
import { defineFunction } from '#functions/define-function.ts';
import { reasonShape, signedInAccess } from '#http/parameters.ts';
import { defineRoute } from '#http/route.ts';

export const SearchQuerySchema = z
  .object({ ...searchCriteriaShape, ...reasonShape })
  .strict()
  .superRefine(requireNameAndBirthOrIdentifier);

export const SearchResultSchema = z
  .object({ matches: z.array(MatchSummarySchema).max(MAX_MATCHES) })
  .strict()
  .meta({ id: 'SearchResult', example: { matches: [matchSummaryExample] } });

export const route = defineRoute({
  operationId: 'searchChildren',
  method: 'GET',
  path: '/children',
  action: 'search-children',
  usageLimit: 'search',
  summary: 'Find a child by name and date of birth, or by an identifier',
  description:
    'Needs a name and date of birth, or an NHS number or UPN (R10). Names in any script are transliterated; ' +
    'case, spacing, accents, Mc/Mac, nicknames, misspellings, names typed the other way round and slips in the ' +
    'date are weighed by the matching engine. Each candidate carries the probability that it is the child and ' +
    'why, in words; candidates below the threshold probability are not offered. A name of three letters or ' +
    'fewer matches only that whole name. At most 10 candidates, most probable first; more is 422 ' +
    'too-many-matches. A search that uses a postcode, NHS number or UPN never returns a shielded child (R3).',
  tags: ['Children'],
  request: {
    query: SearchQuerySchema,
    queryExample: {
      familyName: 'Walker',
      givenName: 'Amelia',
      dateOfBirth: '2016-04-09',
      reason: 'SAFEGUARDING',
    },
  },
  successStatus: 200,
  responses: {
    200: { description: 'Candidates, best first (possibly none)', schema: SearchResultSchema },
    422: { description: 'More than 10 children match: refine the search' },
  },
});

export const definition = defineFunction({
  name: 'search-children',
  trigger: { kind: 'http', route },
  access: { ...signedInAccess, usageCounters: ['UpdateItem'], children: ['Query'] },
  settings: ['adapters', 'searchKeys', 'limits', 'matching'],
});
