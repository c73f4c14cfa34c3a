import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChildFieldsSchema, ChildPatchSchema, childFieldsExample } from '#domain/child/schema.ts';
import { InvolvementRequestSchema } from '#domain/involvement/schema.ts';
import { fieldProblems } from '#http/validation.ts';
import { syntheticChildren } from '#infra/local/synthetic.ts';

const lawfulFields = new Set(Object.keys(ChildFieldsSchema.shape));
const unlawfulField = fc
  .stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,20}$/)
  .filter((name) => !lawfulFields.has(name) && !['__proto__', 'constructor', 'prototype'].includes(name));

function refusedFields(schema: typeof ChildFieldsSchema | typeof ChildPatchSchema, body: unknown): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : fieldProblems(result.error, 'body').map((p) => p.field);
}

describe('R1 lawful content', () => {
  it('refuses any field outside R1 on a new record, naming it', () => {
    fc.assert(
      fc.property(unlawfulField, fc.jsonValue(), (field, value) => {
        expect(refusedFields(ChildFieldsSchema, { ...childFieldsExample, [field]: value })).toContain(field);
      }),
    );
  });

  it('refuses any field outside R1 on a correction, naming it', () => {
    fc.assert(
      fc.property(unlawfulField, fc.jsonValue(), (field, value) => {
        expect(refusedFields(ChildPatchSchema, { familyName: 'Walker', [field]: value })).toContain(field);
      }),
    );
  });

  it('names an unlawful field nested inside a carer, with its path', () => {
    const body = {
      ...childFieldsExample,
      carers: [{ ...childFieldsExample.carers[0], criminalRecord: 'none' }],
    };
    expect(refusedFields(ChildFieldsSchema, body)).toEqual(['carers.0.criminalRecord']);
  });

  it('refuses case notes, flags of concern and exam results by name', () => {
    for (const field of ['caseNotes', 'flagOfConcern', 'examResults', 'diagnosis']) {
      expect(refusedFields(ChildFieldsSchema, { ...childFieldsExample, [field]: 'x' })).toEqual([field]);
    }
  });

  it('accepts every synthetic record the local stand-in seeds', () => {
    const { children } = syntheticChildren(500, 7);
    for (const child of children) {
      const {
        childId,
        localAuthority,
        localAuthorityName,
        version,
        createdAt,
        updatedAt,
        shield,
        ...fields
      } = child;
      expect(ChildFieldsSchema.safeParse(fields).success).toBe(true);
    }
  });
});

describe('R2 sensitive services', () => {
  const base = {
    practitionerName: 'Jo Bloggs',
    role: 'CAMHS practitioner',
    contact: { phone: '0113 496 0404' },
    startDate: '2026-10-01',
  };

  it('refuses a CAMHS, sexual health or substance misuse involvement without consent or override', () => {
    for (const serviceType of ['camhs', 'sexual-health', 'substance-misuse']) {
      const result = InvolvementRequestSchema.safeParse({ ...base, serviceType });
      expect(result.success).toBe(false);
      expect(result.error && fieldProblems(result.error, 'body')[0]?.field).toBe('consent');
    }
  });

  it('accepts a sensitive involvement with recorded consent or a justified override, not both', () => {
    const consent = { givenBy: 'young-person', recordedOn: '2026-10-01' };
    const override = { justification: 'Risk of significant harm: exploitation concerns raised by police' };
    expect(InvolvementRequestSchema.safeParse({ ...base, serviceType: 'camhs', consent }).success).toBe(true);
    expect(InvolvementRequestSchema.safeParse({ ...base, serviceType: 'camhs', override }).success).toBe(
      true,
    );
    expect(
      InvolvementRequestSchema.safeParse({ ...base, serviceType: 'camhs', consent, override }).success,
    ).toBe(false);
  });

  it('refuses consent details on a service that is not sensitive', () => {
    const consent = { givenBy: 'young-person', recordedOn: '2026-10-01' };
    const result = InvolvementRequestSchema.safeParse({ ...base, serviceType: 'school-nursing', consent });
    expect(result.error && fieldProblems(result.error, 'body').map((p) => p.field)).toEqual(['consent']);
  });
});
