import * as z from 'zod';
import { RightSchema, RoleSchema } from './principal.ts';

/** A pending change that no second administrator has approved lapses after this many days. */
export const ACCOUNT_CHANGE_EXPIRY_DAYS = 7;

/**
 * Two-person rule (R4): roles or rights one user administrator asked to add to an account, waiting for a
 * second administrator of the same organisation. Nothing here is held by the account until approved.
 */
export const AccountChangeSchema = z
  .object({
    changeId: z.string(),
    userId: z.string(),
    email: z.string(),
    organisationId: z.string().meta({ description: 'The organisation of the account' }),
    /** The organisation whose administrators decide: the requester's own. */
    administeredBy: z.string(),
    addRoles: z.array(RoleSchema),
    addRights: z.array(RightSchema),
    requestedBy: z.string().meta({ description: 'The administrator who asked; they may not approve it' }),
    requestedAt: z.string(),
    expiresAt: z.string().meta({ description: 'After this the change lapses and must be asked for again' }),
  })
  .strict()
  .meta({
    id: 'AccountChange',
    example: {
      changeId: 'CHG-mhz3k2a1-5d1c7b0e-2a4f-4e8b-9c3d-7f6a5b4c3d2e',
      userId: '3f0c9a4e-2d8b-4c1e-9f57-0b6e1d2c3a4f',
      email: 'sam.okoro@leeds.example.gov.uk',
      organisationId: 'ORG-LEEDS-CC',
      administeredBy: 'ORG-LEEDS-CC',
      addRoles: ['data-manager'],
      addRights: [],
      requestedBy: '9b1d7e2c-4a3f-4d8e-b6c5-1a2b3c4d5e6f',
      requestedAt: '2026-11-20T10:15:00.000Z',
      expiresAt: '2026-11-27T10:15:00.000Z',
    },
  });
export type AccountChange = z.infer<typeof AccountChangeSchema>;

export function accountChangeExpiresAt(requestedAt: Date): string {
  return new Date(requestedAt.getTime() + ACCOUNT_CHANGE_EXPIRY_DAYS * 86_400_000).toISOString();
}

export function hasLapsed(change: AccountChange, now: Date): boolean {
  return change.expiresAt <= now.toISOString();
}
