import { hasRole, type Principal } from '../access/principal.ts';
import type { ChildRecord } from '../child/record.ts';

/**
 * R3 across councils (decision 0004): the maintaining council's ContactPoint team keeps the record; a
 * shielding council's team — any council may shield at once — owns the shield. Only these two teams see
 * a shielded record in full.
 */
function isTeamOf(principal: Principal, authority: string | undefined): boolean {
  return (
    authority !== undefined && hasRole(principal, 'data-manager') && principal.localAuthority === authority
  );
}

export function isMaintainingTeam(principal: Principal, record: ChildRecord): boolean {
  return isTeamOf(principal, record.localAuthority);
}

export function isShieldingTeam(principal: Principal, record: ChildRecord): boolean {
  return isTeamOf(principal, record.shield?.authority);
}

/** R3: the shielding and the maintaining councils' ContactPoint teams see a shielded record in full. */
export function seesThroughShield(record: ChildRecord, viewer: Principal): boolean {
  return (
    record.shield !== undefined && (isShieldingTeam(viewer, record) || isMaintainingTeam(viewer, record))
  );
}
