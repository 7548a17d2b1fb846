import { describe, expect, it } from 'vitest';
import { AdminError } from '../../../src/admin/errors.js';
import { offerTimeline, parseFamilies } from '../../../src/admin/page-offer-timeline.js';
import { describedKinds, familyOf, timelineLine } from '../../../src/admin/timeline.js';
import type { LedgerEntry } from '../../../src/store/ledger.js';

/**
 * The offer's timeline as the page shows it: to the second, a run of the same duplicate read
 * folded into one line that opens on its entries, and a filter by family of events.
 */

let seq = 0;
function entry(
  kind: string,
  data: Record<string, unknown>,
  at: string,
  actor = 'system',
  actorName: string | null = null,
): LedgerEntry {
  seq += 1;
  return {
    seq,
    at,
    offer_source: 'talentlink',
    offer_ats_id: '42',
    campaign: 2027,
    actor,
    actor_name: actorName,
    kind,
    data,
    prev_hash: 'p',
    hash: `h${seq}`,
  } as LedgerEntry;
}

const duplicate = { updatedAt: '2027-02-01T09:00:00.000Z' };
const lines = () => {
  seq = 0;
  return [
    entry(
      'event.received',
      { origin: 'queue', updatedAt: '2027-02-01T09:00:00.000Z', atsStatus: 'Brouillon' },
      '2027-02-01T09:00:01.000Z',
    ),
    entry('decision', { concerned: null, reasons: [] }, '2027-02-01T09:00:01.000Z'),
    entry('command.requested', { kind: 'notify_admins', idempotencyKey: 'a' }, '2027-02-01T09:00:01.000Z'),
    entry('event.duplicate', duplicate, '2027-02-01T09:00:05.000Z'),
    entry('event.duplicate', duplicate, '2027-02-01T09:00:06.000Z'),
    entry('event.duplicate', duplicate, '2027-02-01T09:00:09.000Z'),
    entry(
      'admin.review_checked',
      { reason: 'vu avec la CAF', updatedAt: '2027-02-01T09:00:00.000Z' },
      '2027-02-01T09:10:00.000Z',
      'administrator',
      'alice',
    ),
    entry('event.duplicate', duplicate, '2027-02-01T09:20:00.000Z'),
  ].map(timelineLine);
};
const rows = (markup: string) => markup.match(/<tr data-kind="[^"]+"/g) ?? [];

describe('offer timeline', () => {
  it('gives every kind with a wording a family', () => {
    expect(describedKinds.filter((k) => familyOf(k, {}) === null)).toEqual([]);
  });

  it('files commands by what they are: an alert to administrators and a mail are not ATS calls', () => {
    expect(familyOf('command.requested', { kind: 'notify_admins' })).toBe('administrateurs');
    expect(familyOf('ats.answer', { command: 'ask_recruiter' })).toBe('courriels');
    expect(familyOf('command.skipped', { command: 'set_approver' })).toBe('commandes');
  });

  it('shows instants to the second, and folds a run of the same duplicate read into one line that opens', () => {
    const markup = offerTimeline(lines(), '/admin/offres/talentlink/42/2027').value;
    expect(markup).toContain('<td>01/02/2027 10:00:01</td>');
    expect(markup).toContain(
      'Lecture déjà traitée (offre modifiée le 01/02/2027 10:00) : rien ne change (×3, du ' +
        '01/02/2027 10:00:05 au 01/02/2027 10:00:09)',
    );
    expect(markup).toContain('<summary>3 entrées (n° 4 à 6)</summary>');
    // The administrator's entry between two runs keeps them apart: the last read stands alone.
    expect(rows(markup)).toHaveLength(6);
    expect(markup).toContain('8 entrées');
  });

  it('filters by family with a plain GET form, saying how many of all are shown', () => {
    const markup = offerTimeline(lines(), '/admin/offres/talentlink/42/2027', ['administrateurs']).value;
    expect(rows(markup)).toEqual(['<tr data-kind="command.requested"', '<tr data-kind="admin.review_checked"']);
    expect(markup).toContain('2 entrées sur 8');
    expect(markup).toContain('<form method="get" action="/admin/offres/talentlink/42/2027#historique"');
    expect(markup).toContain('<input type="checkbox" name="famille" value="administrateurs" checked>');
    expect(markup).toContain('<input type="checkbox" name="famille" value="decisions">');
    expect(rows(offerTimeline(lines(), '/x', ['periode']).value)).toEqual([]);
  });

  it('reads the families from the query: all when none, a clear 400 for an unknown one', () => {
    expect(parseFamilies(undefined)).toHaveLength(6);
    expect(parseFamilies(['decisions', 'ats'])).toEqual(['ats', 'decisions']);
    expect(parseFamilies('courriels')).toEqual(['courriels']);
    expect(() => parseFamilies(['ats', 'tout'])).toThrow(AdminError);
    expect(() => parseFamilies('tout')).toThrow(
      /paramètre « famille » : ats, commandes, decisions, courriels, administrateurs, periode attendu, reçu « tout »/,
    );
  });
});
