import { describe, expect, it } from 'vitest';
import { ApiProblemError } from '#console/api-client.ts';
import { apiFieldErrors, inPlainWords } from '#console/forms.ts';

describe('the API’s refusals, as a form says them to a person', () => {
  it('drops code lists, formats, check-digit arithmetic and rule numbers', () => {
    expect(inPlainWords('must be one of: health-visiting, midwifery, school-nursing')).toBe(
      'is not one of the choices: select one',
    );
    expect(inPlainWords('is required (one of: female, male, other, not-known)')).toBe(
      'is required: select one',
    );
    expect(inPlainWords('must be a real date written YYYY-MM-DD')).toBe('must be a real date');
    expect(inPlainWords('is not a valid NHS number (modulus 11 check failed)')).toBe(
      'is not a valid NHS number',
    );
    expect(inPlainWords('is required unless an NHS number or UPN is given (R10)')).toBe(
      'is required, unless you search by NHS number or unique pupil number',
    );
  });

  it('puts the field’s label before words that continue it, and leaves a whole sentence alone', () => {
    const refusal = new ApiProblemError(400, {
      errors: [
        { field: 'serviceType', message: 'must be one of: camhs, midwifery' },
        {
          field: 'familyName',
          message: 'a family name or given name is required unless an NHS number or UPN is given (R10)',
        },
        { field: 'practitionerName', message: 'may hold letters, spaces, hyphens and apostrophes' },
      ],
    });
    expect(
      apiFieldErrors(refusal, {
        serviceType: 'Service',
        familyName: 'Family name',
        practitionerName: 'Your name',
      })?.map((e) => e.message),
    ).toEqual([
      'Service is not one of the choices: select one',
      'A family name or given name is required, unless you search by NHS number or unique pupil number',
      'Your name may hold letters, spaces, hyphens and apostrophes',
    ]);
  });
});
