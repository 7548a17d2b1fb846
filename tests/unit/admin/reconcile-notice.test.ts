import { describe, expect, it } from 'vitest';
import { reconcileNotice, reconcileParams } from '../../../src/admin/reconcile-notice.js';

/** What a reconciliation run from the dashboard found, as the page it returns to says it. */

const back = (params: string, done: string) => Object.fromEntries(new URLSearchParams(`${params}done=${done}`));

describe('reconciliation notice', () => {
  it('says how many jobs were read, from when, and how many new versions went to the pipeline', () => {
    const params = reconcileParams({
      at: 'x',
      ok: true,
      listed: 3,
      inserted: 1,
      since: '2027-02-14T09:00:00.000Z',
      more: false,
      error: null,
    });
    expect(params).toBe('lues=3&nouvelles=1&depuis=2027-02-14T09%3A00%3A00.000Z&');
    expect(reconcileNotice(back(params, 'reconcile'))).toBe(
      'Résultat : 3 offres lues dans la liste des changements de l’ATS depuis le 14/02/2027 ' +
        '10:00, dont 1 version nouvelle transmise au traitement (2 déjà connues).',
    );
  });

  it('says when nothing was new, and when the run goes on by itself', () => {
    const params = reconcileParams({
      at: 'x',
      ok: true,
      listed: 1200,
      inserted: 0,
      since: null,
      more: true,
      error: null,
    });
    expect(reconcileNotice(back(params, 'reconcile'))).toBe(
      'Résultat : 1\u202f200 offres lues dans la liste des changements de l’ATS, aucune version ' +
        'nouvelle : rien à traiter. La liste n’est pas épuisée : la réconciliation reprend ' +
        'd’elle-même dans un instant.',
    );
  });

  it('says what was read before a failure', () => {
    const params = reconcileParams({
      at: 'x',
      ok: false,
      listed: 1,
      inserted: null,
      since: null,
      more: false,
      error: 'TIMEOUT',
    });
    expect(reconcileNotice(back(params, 'reconcile-failed'))).toBe(
      'Avant l’interruption : 1 offre lue dans la liste des changements de l’ATS.',
    );
  });

  it('says nothing from a query it cannot read: only digits and an instant are taken', () => {
    expect(reconcileNotice({ done: 'reconcile' })).toBeUndefined();
    expect(reconcileNotice({ done: 'reconcile', lues: 'beaucoup' })).toBeUndefined();
    expect(reconcileNotice({ done: 'reconcile', lues: '2', nouvelles: '<b>', depuis: 'hier' })).toBe(
      'Résultat : 2 offres lues dans la liste des changements de l’ATS.',
    );
  });
});
