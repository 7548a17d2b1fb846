import { describe, expect, it } from 'vitest';
import { offerBody } from '../../../src/admin/page-offer.js';
import { describeEntry } from '../../../src/admin/timeline.js';
import { recordFromMemory } from '../../../src/pipeline/offer-memory.js';
import type { OfferRecord } from '../../../src/store/offers.js';
import { data } from '../../support/domain.js';
import { JobStory, seeSnapshot } from '../../support/job-snapshots.js';

/**
 * A decision resting on a reading of the texts shows it where administrators read reasons: the
 * offer page (a small muted line under the reason) and the timeline.
 */
const T = '2027-02-01T09:00:00.000Z';

function page(spec: ConstructorParameters<typeof JobStory>[0]): string {
  const memory = seeSnapshot(null, new JobStory(spec, T).snapshot).memory;
  const record = {
    ...recordFromMemory(memory),
    created_at: memory.stateSince,
    updated_at: memory.stateSince,
  } as OfferRecord;
  return offerBody(data, record, [], [], { name: 'admin', via: 'token', session: null }).value;
}

describe('readings shown to administrators', () => {
  it('the offer page shows the reading under the reason, in a small muted line', () => {
    const html = page({ orgName: 'CPAM de la Gironde', grid: 'RG', level: 'N8' });
    expect(html).toContain(
      'Régime général, niveau 8 : concernée (niveaux 7 à 9)<br><small class="muted">lecture : le ' +
        'libellé « N8 » est lu comme le niveau 8</small>',
    );
  });

  it('a reason without a reading shows no such line; the window’s shows its legal time', () => {
    const html = page({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' });
    expect(html).toContain('Régime général, niveau 8 : concernée (niveaux 7 à 9)</td>');
    // Only the window's reason rests on a reading (the body's legal time), not the level's.
    expect(html.match(/lecture :/g)).toHaveLength(1);
    expect(html).toMatch(/lecture : la période est à l(?:'|&#39;)heure légale de l(?:'|&#39;)organisme/);
  });

  it('the timeline says the reading with the text cited', () => {
    const decision = seeSnapshot(
      null,
      new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: 'Niv. VII' }, T).snapshot,
    ).memory.decision;
    expect(describeEntry('decision', decision)).toContain(
      'Régime général, niveau 7 : concernée (niveaux 7 à 9) (Instruction DSS/4B/2026/34 §1.1 ; ' +
        'lecture : le libellé « VII » est lu comme le niveau 7)',
    );
  });
});
