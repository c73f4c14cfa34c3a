import { REASON_CODES, type ReasonCode, ReasonCodeSchema } from '#domain/access/reasons.ts';
import type { FieldError } from '../forms.ts';
import { textField } from '../forms.ts';
import { REASON_COVERS } from '../session.ts';

/** R5: the reason picker's choices, in the guidance's own words; checking the record is the ContactPoint team's. */
export function reasonItems(selected: string | undefined, roles: readonly string[]) {
  return (Object.entries(REASON_CODES) as [ReasonCode, string][])
    .filter(([value]) => value !== 'DATA_QUALITY' || roles.includes('data-manager'))
    .map(([value, text]) => ({
      value,
      text,
      checked: value === selected,
    }));
}

/** The reason stated on a form (R5): its code and optional detail, or the error to show. */
export function reasonFrom(form: URLSearchParams): {
  reason?: { code: ReasonCode; text?: string };
  errors: FieldError[];
} {
  const code = ReasonCodeSchema.safeParse(form.get('reason'));
  const text = textField(form, 'reasonText');
  const errors: FieldError[] = [];
  if (!code.success)
    errors.push({
      field: 'reason',
      message: 'Select why you need to see this information',
      anchor: 'reason',
    });
  if (text && text.length > 200)
    errors.push({ field: 'reasonText', message: 'Detail must be 200 characters or fewer' });
  if (errors.length || !code.success) return { errors };
  return { reason: { code: code.data, ...(text && { text }) }, errors };
}

/** The stated reason, covering these children (R5): newest first, as many as a session keeps. */
export function reasonFor(
  reason: { code: ReasonCode; text?: string },
  childIds: readonly string[],
): { code: ReasonCode; text?: string; childIds: string[] } {
  return { ...reason, childIds: [...new Set(childIds)].slice(0, REASON_COVERS) };
}

/** The reason the session holds for this child, if it was stated for it (R5). */
export function reasonCovering<R extends { childIds: string[] }>(
  reason: R | undefined,
  childId: string,
): R | undefined {
  return reason?.childIds.includes(childId) ? reason : undefined;
}

export function reasonLabel(code: ReasonCode): string {
  return REASON_CODES[code];
}
