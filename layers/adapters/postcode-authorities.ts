import * as z from 'zod';
import type { AuthorityLookup } from '#domain/ports.ts';

const Authority = z.tuple([z.string().regex(/^E\d{8}$/, 'must be a GSS code'), z.string().min(1)]);

/**
 * Which council maintains a child first known from a feed: by postcode area (the letters before the district
 * number), with a default for postcodes of no listed area and rows with no address. The ONS postcode
 * directory gives the full mapping in production; each deployment states its own, with no default value.
 */
export const PostcodeAuthoritiesSchema = z
  .object({ areas: z.record(z.string().regex(/^[A-Z]{1,2}$/), Authority), default: Authority })
  .strict();

export function postcodeAuthorities(raw: string): AuthorityLookup {
  const config = PostcodeAuthoritiesSchema.parse(JSON.parse(raw));
  return {
    forPostcode(postcode) {
      const area = postcode ? /^[A-Z]{1,2}/.exec(postcode.toUpperCase())?.[0] : undefined;
      const [localAuthority, localAuthorityName] = (area && config.areas[area]) || config.default;
      return { localAuthority, localAuthorityName };
    },
  };
}
