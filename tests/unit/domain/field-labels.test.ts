import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fieldLabel, fieldLabels } from '../../../src/domain/field-labels.js';
import { mappingsDir } from '../../../src/paths.js';

/**
 * An administrator reads an offer's fields under the names the recruiter sees in TalentLink:
 * those `mappings/talentlink.yaml` reads the classification fields by.
 */

type Source = {
  lov?: { name?: string };
  freeFormField?: { name?: string };
  customField?: { unlocalizedLabel?: string };
};

describe('field labels', () => {
  const mapping = parse(readFileSync(join(mappingsDir(), 'talentlink.yaml'), 'utf8')) as {
    classificationFields: Record<string, Source>;
  };

  it.each(Object.entries(mapping.classificationFields))(
    'classification.%s bears the name the tenant shows',
    (field, source) => {
      const shown = source.lov?.name ?? source.freeFormField?.name ?? source.customField?.unlocalizedLabel;
      expect(shown, field).toBeDefined();
      expect(fieldLabel(`classification.${field}`).replace('’', "'")).toBe(shown!.replace('’', "'"));
    },
  );

  it('names every field a decision may lack, in French', () => {
    for (const field of ['organism', 'title', 'status', 'postings.postedAt'])
      expect(fieldLabels[field], field).toMatch(/^[A-ZÉ][a-zé’ ()]+/);
    expect(fieldLabel('inconnu.champ')).toBe('inconnu.champ');
  });
});
