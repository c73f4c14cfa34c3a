import { describe, expect, it } from 'vitest';
import { ApiProblemError } from '#console/api-client.ts';
import { childFormErrors, childFromForm, childPatch, formOfChild } from '#console/pages/child-form.ts';
import { shieldRequestFrom } from '#console/pages/shield.ts';
import { heldFieldLabel, heldValue } from '#console/pages/subject-access.ts';
import type { ChildView } from '#domain/disclosure/view-schema.ts';

const VIEW: ChildView = {
  disclosure: 'full',
  childId: 'CP7M3K9P2XN',
  givenName: 'Amelia',
  familyName: 'Walker',
  gender: 'female',
  dateOfBirth: '2016-04-09',
  nhsNumber: '9434765919',
  address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
  carers: [
    {
      name: 'Sarah Walker',
      relationship: 'mother',
      parentalResponsibility: true,
      contact: { phone: '07700 900123' },
    },
  ],
  education: {
    status: 'in-education',
    institutionName: 'Bankside Primary School',
    contact: { phone: '0113 496 0101' },
  },
  localAuthorityName: 'Leeds City Council',
  involvements: [],
};

const form = (fields: Record<string, string>) => new URLSearchParams(fields);

describe('the record form as a request body (R1)', () => {
  it('shapes names, date, identifiers and sections as the API takes them, leaving out sections left empty', () => {
    const { body, errors } = childFromForm(
      form({
        givenName: ' Amelia ',
        familyName: 'Walker',
        gender: 'female',
        'dateOfBirth-day': '9',
        'dateOfBirth-month': '4',
        'dateOfBirth-year': '2016',
        nhsNumber: '943 476 5919',
        upn: 'h801200001001',
        'address.line1': '14 Harehills Lane',
        'address.town': 'Leeds',
        'address.postcode': 'LS8 3QE',
        'gpPractice.practiceName': '',
        'education.status': 'not-in-education',
        'education.institutionName': 'ignored when not in education',
      }),
    );
    expect(errors).toEqual([]);
    expect(body).toEqual({
      givenName: 'Amelia',
      familyName: 'Walker',
      gender: 'female',
      dateOfBirth: '2016-04-09',
      nhsNumber: '9434765919',
      upn: 'H801200001001',
      address: { line1: '14 Harehills Lane', town: 'Leeds', postcode: 'LS8 3QE' },
      education: { status: 'not-in-education' },
    });
  });

  it('sends the carer rows filled in, skipping blank ones, and remembers which row each came from', () => {
    const { body, carerRows } = childFromForm(
      form({
        carerRows: '3',
        'carers.0.parentalResponsibility': 'yes',
        'carers.1.name': 'Sarah Walker',
        'carers.1.relationship': 'mother',
        'carers.1.parentalResponsibility': 'yes',
        'carers.1.contact.email': 'sarah@example.org',
        'carers.2.name': 'Tom Walker',
      }),
    );
    expect(body.carers).toEqual([
      {
        name: 'Sarah Walker',
        relationship: 'mother',
        parentalResponsibility: true,
        contact: { email: 'sarah@example.org' },
      },
      { name: 'Tom Walker', relationship: '', parentalResponsibility: false, contact: {} },
    ]);
    expect(carerRows).toEqual([1, 2]);
  });

  it('leaves the API to judge a partly filled section, sending what was given rather than dropping it', () => {
    const { body } = childFromForm(
      form({
        'address.postcode': 'LS8 3QE',
        'education.status': 'in-education',
        'gpPractice.contact.phone': '0113',
      }),
    );
    expect(body.address).toEqual({ postcode: 'LS8 3QE' });
    expect(body.education).toEqual({ status: 'in-education', contact: {} });
    expect(body.gpPractice).toEqual({ contact: { phone: '0113' } });
  });

  it('finds a date with a part missing itself, linking the part to fill in', () => {
    const { errors } = childFromForm(form({ 'dateOfBirth-day': '9', 'dateOfBirth-year': '2016' }));
    expect(errors).toEqual([expect.objectContaining({ field: 'dateOfBirth', anchor: 'dateOfBirth-month' })]);
  });
});

describe('a correction sends only what changed', () => {
  it('sends nothing when the form shows the record as it is', () => {
    expect(childPatch(VIEW, childFromForm(formOfChild(VIEW)).body)).toEqual({});
  });

  it('sends a changed field whole, and null for an optional field emptied', () => {
    const edited = formOfChild(VIEW);
    edited.set('address.line1', '3 Cardigan Road');
    edited.set('address.postcode', 'LS6 3AG');
    edited.set('nhsNumber', '');
    edited.set('education.status', '');
    expect(childPatch(VIEW, childFromForm(edited).body)).toEqual({
      address: { line1: '3 Cardigan Road', town: 'Leeds', postcode: 'LS6 3AG' },
      nhsNumber: null,
      education: null,
    });
  });

  it('sends the carers when one is added, and null when the last is removed', () => {
    const added = formOfChild(VIEW);
    added.set('carers.1.name', 'Tom Walker');
    added.set('carers.1.relationship', 'father');
    added.set('carers.1.contact.phone', '07700 900456');
    expect(Object.keys(childPatch(VIEW, childFromForm(added).body))).toEqual(['carers']);

    const removed = formOfChild(VIEW);
    for (const part of ['name', 'relationship', 'contact.phone']) removed.set(`carers.0.${part}`, '');
    expect(childPatch(VIEW, childFromForm(removed).body)).toEqual({ carers: null });
  });

  it('sends a name emptied as an empty name, for the API to refuse', () => {
    const edited = formOfChild(VIEW);
    edited.set('givenName', '');
    expect(childPatch(VIEW, childFromForm(edited).body)).toEqual({ givenName: '' });
  });
});

describe('the API’s refusal of the record form', () => {
  it('puts each error on the form row it came from, after the field’s label', () => {
    const refusal = new ApiProblemError(400, {
      errors: [
        { field: 'carers.0.contact', message: 'needs a phone number or an e-mail address' },
        { field: 'address.postcode', message: 'is not a postcode' },
        { field: 'caseNotes', message: 'is not a field ContactPoint may hold (R1)' },
      ],
    });
    expect(childFormErrors(refusal, [2])).toEqual([
      {
        field: 'carers.2.contact',
        anchor: 'carers-2-contact-phone',
        message: 'Parent or carer 3: contact needs a phone number or an e-mail address',
      },
      { field: 'address.postcode', message: 'Postcode is not a postcode' },
      { field: 'givenName', message: 'Is not a field ContactPoint may hold' },
    ]);
  });

  it('shows one error a field, the first the API gives', () => {
    const refusal = new ApiProblemError(400, {
      errors: [
        { field: 'givenName', message: 'must not be empty' },
        { field: 'givenName', message: 'may hold letters, spaces, hyphens and apostrophes' },
      ],
    });
    expect(childFormErrors(refusal, [])).toEqual([
      { field: 'givenName', message: 'Given name must not be empty' },
    ]);
  });

  it('leaves a refusal that is not about the form (403, 412) to the error pages', () => {
    expect(childFormErrors(new ApiProblemError(412, {}), [])).toBeUndefined();
    expect(childFormErrors(new ApiProblemError(403, {}), [])).toBeUndefined();
  });
});

describe('the shield form (R3)', () => {
  it('asks for a reason and a review date before calling the API', () => {
    expect(shieldRequestFrom(form({})).errors.map((e) => e.field)).toEqual(['reason', 'reviewDate']);
  });

  it('sends the reason, the date and the explanation when given', () => {
    const { body, errors } = shieldRequestFrom(
      form({
        reason: 'other',
        reasonText: 'Family moved after threats',
        'reviewDate-day': '1',
        'reviewDate-month': '5',
        'reviewDate-year': '2027',
      }),
    );
    expect(errors).toEqual([]);
    expect(body).toEqual({
      reason: 'other',
      reasonText: 'Family moved after threats',
      reviewDate: '2027-05-01',
    });
  });
});

describe('the subject access report’s field names', () => {
  it('puts a held field’s path in words', () => {
    expect(heldFieldLabel('carers[1].contact.phone')).toBe('Parent or carer 1, contact, phone');
    expect(heldFieldLabel('address.line1')).toBe('Address, line 1');
    expect(heldFieldLabel('nhsNumber')).toBe('NHS number');
  });

  it('writes held values as a family reads them, leaving names and numbers as held', () => {
    expect(heldValue('dateOfBirth', '2019-05-12')).toBe('12 May 2019');
    expect(heldValue('carers[1].parentalResponsibility', 'true')).toBe('Yes');
    expect(heldValue('education.status', 'in-education')).toBe('In education');
    expect(heldValue('carers[1].name', 'Anne-Marie true')).toBe('Anne-Marie true');
    expect(heldValue('nhsNumber', '9434765919')).toBe('9434765919');
  });
});
