import type { ReconcileOutcome } from './actions.js';
import { frenchDateTime, frenchNumber } from './format.js';

/**
 * What a reconciliation run from the dashboard found, carried to the page it returns to. The
 * redirect carries numbers and an instant only, each checked on the way back: a crafted link can
 * change a count, never make the dashboard say words of its own.
 */

const plural = (n: number, one: string, many: string) => `${frenchNumber(n)} ${n > 1 ? many : one}`;
/** ` (3 déjà connues)`: versions the connector had already, or nothing. */
const known = (n: number) => (n > 0 ? ` (${frenchNumber(n)} déjà connue${n > 1 ? 's' : ''})` : '');
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const COUNT = /^\d{1,9}$/;

/** Query parameters (before `done`) saying what the run found. */
export function reconcileParams(outcome: ReconcileOutcome): string {
  const params = new URLSearchParams();
  if (outcome.listed !== null) params.set('lues', String(outcome.listed));
  if (outcome.inserted !== null) params.set('nouvelles', String(outcome.inserted));
  if (outcome.since !== null) params.set('depuis', outcome.since);
  if (outcome.more) params.set('suite', '1');
  const text = params.toString();
  return text ? `${text}&` : '';
}

/** The sentence for the page, or undefined when the query carries nothing readable. */
export function reconcileNotice(query: Record<string, unknown>): string | undefined {
  const count = (name: string) =>
    typeof query[name] === 'string' && COUNT.test(query[name]) ? Number(query[name]) : null;
  const listed = count('lues');
  if (listed === null) return undefined;
  const since =
    typeof query.depuis === 'string' && INSTANT.test(query.depuis) ? ` depuis le ${frenchDateTime(query.depuis)}` : '';
  if (query.done === 'reconcile-failed')
    return (
      `Avant l’interruption : ${plural(listed, 'offre lue', 'offres lues')} dans la liste des ` +
      `changements de l’ATS${since}.`
    );
  const inserted = count('nouvelles');
  const found =
    inserted === null
      ? ''
      : inserted === 0
        ? ', aucune version nouvelle : rien à traiter'
        : `, dont ${plural(inserted, 'version nouvelle transmise', 'versions nouvelles transmises')} ` +
          `au traitement${known(listed - inserted)}`;
  const more =
    query.suite === '1' ? ' La liste n’est pas épuisée : la réconciliation reprend d’elle-même dans un instant.' : '';
  return (
    `Résultat : ${plural(listed, 'offre lue', 'offres lues')} dans la liste des changements de ` +
    `l’ATS${since}${found}.${more}`
  );
}
