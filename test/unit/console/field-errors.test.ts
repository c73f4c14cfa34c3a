import { describe, expect, it } from 'vitest';
import { createRenderer, fieldErrorMessage } from '#console/render.ts';

const render = createRenderer();
const common = { cspNonce: 'n', currentPath: '/search', navigation: [], csrfToken: 't', errorList: [] };
const inError = (html: string) => [...html.matchAll(/id="([^"]+)-error"/g)].map((m) => m[1]);

describe('error messages on form fields', () => {
  it('gives the first message on a field, and nothing (falsy) for a field without one', () => {
    const errors = [
      { field: 'postcode', message: 'Enter a real postcode' },
      { field: 'postcode', message: 'second' },
    ];
    expect(fieldErrorMessage(errors, 'postcode')).toBe('Enter a real postcode');
    expect(fieldErrorMessage(errors, 'givenName')).toBe('');
    expect(fieldErrorMessage(undefined, 'givenName')).toBe('');
  });

  it('marks only the fields in error, so a form without errors shows none', () => {
    const page = (errors: unknown[]) =>
      render('search.njk', {
        ...common,
        title: 'Find a child',
        values: {},
        dateOfBirth: {},
        reasons: [],
        errors,
      });
    expect(inError(page([]))).toEqual([]);
    expect(inError(page([{ field: 'postcode', message: 'Enter a real postcode' }]))).toEqual(['postcode']);
    expect(page([])).not.toContain('govuk-form-group--error');
  });
});
