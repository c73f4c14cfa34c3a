import { formsOf, matchingName } from './compare.ts';
import type { ComparisonName } from './model.ts';
import type { Comparable, ComparisonVector } from './vector.ts';
import type { Evidence } from './weigh.ts';

/** The fields a viewer may be told about (R3: a shielded view shows no postcode). */
export type ExplainableField = 'names' | 'dateOfBirth' | 'postcode' | 'gender';

const NAME_WORDS: Record<string, string> = {
  exact: 'the same',
  jw92: 'spelt almost the same',
  jw85: 'spelt similarly',
  sound: 'sounds the same',
  jw70: 'spelt somewhat alike',
  other: 'different',
};

const BIRTH_WORDS: Record<string, string> = {
  exact: 'the same',
  'day-month-swapped': 'day and month swapped',
  'year-off-by-one': 'the same day and month, the year one out',
  'one-digit': 'one digit different',
  'one-part': 'two of day, month and year the same',
  other: 'different',
};

const POSTCODE_WORDS: Record<string, string> = {
  full: 'the same',
  sector: 'the same sector',
  district: 'the same district',
  other: 'different',
};

const GENDER_WORDS: Record<string, string> = { same: 'the same', different: 'different' };

const FIELD_OF: Record<ComparisonName, ExplainableField> = {
  givenName: 'names',
  familyName: 'names',
  nameOrder: 'names',
  dateOfBirth: 'dateOfBirth',
  postcode: 'postcode',
  gender: 'gender',
};

function formWords(typed: string | undefined, recorded: string | undefined): string {
  if (!typed || !recorded) return 'a form of the same name';
  // Say which way round: the nickname is the one that is not its own formal form.
  const typedForms = formsOf(matchingName(typed));
  const typedIsFormal = typedForms.length === 1 && typedForms[0] === matchingName(typed);
  return typedIsFormal ? `${recorded} is a form of ${typed}` : `${typed} is a form of ${recorded}`;
}

/**
 * Why a candidate matched, in words a practitioner can judge, strongest evidence first — only about the
 * fields this viewer may see. Names are quoted only as the viewer typed them or as the record shows them.
 */
export function explainMatch(
  vector: ComparisonVector,
  evidence: Evidence[],
  query: Comparable,
  shown: Comparable,
  visible: ReadonlySet<ExplainableField>,
): string[] {
  const words: string[] = [];
  const ordered = [...evidence].sort((a, b) => Math.abs(b.bits) - Math.abs(a.bits));
  for (const { comparison, level } of ordered) {
    if (!visible.has(FIELD_OF[comparison])) continue;
    switch (comparison) {
      case 'givenName': {
        const [typed, recorded] =
          vector.nameOrder === 'swapped'
            ? [query.givenName, shown.familyName]
            : [query.givenName, shown.givenName];
        words.push(
          level === 'form'
            ? formWords(typed, recorded)
            : `${vector.nameOrder === 'swapped' ? 'name typed as given name, against the family name' : 'given name'}: ${NAME_WORDS[level] ?? level}${vector.nameSet > 0 ? ' (a name the child is also known by)' : ''}`,
        );
        break;
      }
      case 'familyName':
        words.push(
          `${vector.nameOrder === 'swapped' ? 'name typed as family name, against the given name' : 'family name'}: ${level === 'form' ? 'a form of the same name' : (NAME_WORDS[level] ?? level)}${vector.nameSet > 0 ? ' (a name the child is also known by)' : ''}`,
        );
        break;
      case 'nameOrder':
        if (level === 'swapped') words.push('given and family names typed the other way round');
        break;
      case 'dateOfBirth':
        words.push(`date of birth: ${BIRTH_WORDS[level] ?? level}`);
        break;
      case 'postcode':
        words.push(`postcode: ${POSTCODE_WORDS[level] ?? level}`);
        break;
      case 'gender':
        words.push(`gender: ${GENDER_WORDS[level] ?? level}`);
        break;
    }
  }
  return words;
}
