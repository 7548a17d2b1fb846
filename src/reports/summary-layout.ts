import { DateTime } from 'luxon';
import { jobProcessLabel, jobProcessStates } from '../domain/job-process-states.js';
import type { Group, GroupStats, ReportHeader } from './model.js';
import { regimeLabels } from './options.js';
import { totalLabel } from './summary.js';

/**
 * What the summary says and in which words, shared by the XLSX summary sheet and the HTML page:
 * the title lines, the indicators, the table of states and the tables per group.
 */

export type Figure =
  | { kind: 'int'; value: number }
  | { kind: 'share'; value: number | null }
  | { kind: 'days'; value: number | null };

/** An instant as administrators read it: `jj/mm/aaaa à hh:mm`, Paris time. */
export function frenchInstant(iso: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone('Europe/Paris').toFormat("dd/LL/yyyy 'à' HH:mm");
}

export function reportTitle(header: ReportHeader): string {
  switch (header.kind) {
    case 'report':
      return `Rapport de contrôle de la période EN3S — campagne ${header.campaign}`;
    case 'recap':
      return `Récapitulatif par réseau de la période EN3S — campagne ${header.campaign}`;
    case 'posts':
      return `Postes à saisir sur la bourse en ligne des postes de l'EN3S — campagne ${header.campaign}`;
  }
}

/**
 * What each report says of itself below the filters. The recap goes to each caisse nationale for
 * its network and to the SGMCAS as a whole, every network (instruction §3), not the ARS's part only.
 */
const aboutLines: Record<ReportHeader['kind'], string[]> = {
  report: [],
  recap: [
    'Destinataires (instruction DSS/4B/2026/34 §3) : chaque caisse nationale, pour les ' +
      'propositions et affectations de son réseau ; le Secrétariat général des ministères chargés ' +
      'des affaires sociales (SGMCAS), pour le récapitulatif entier, tous réseaux confondus (ARS ' +
      'comprises).',
  ],
  posts: [
    'Postes vacants concernés de la campagne (et ceux dont le périmètre est indéterminé, faute ' +
      "de données), à saisir par chaque organisme sur la bourse en ligne des postes de l'EN3S " +
      "(instruction DSS/4B/2026/34 §1.2) ; les offres publiées avant la période n'y figurent pas. " +
      '« Saisie » : enregistrée par un administrateur dans le connecteur.',
  ],
};

export function headerLines(header: ReportHeader): string[] {
  const f = header.filters;
  const filters = [
    f.network ? `réseau ${f.network}` : null,
    f.regime ? `régime ${regimeLabels[f.regime] ?? f.regime}` : null,
    f.body ? `organisme ${f.body}` : null,
    f.states ? `états ${f.states.map(jobProcessLabel).join(', ')}` : null,
  ].filter((v) => v !== null);
  return [
    header.asOf
      ? `Situation au ${frenchInstant(header.asOf)} (heure de Paris), reconstituée à partir du registre`
      : `Situation au ${frenchInstant(header.reference)} (heure de Paris)`,
    `Produit le ${frenchInstant(header.generatedAt)}`,
    `Filtres : ${filters.length > 0 ? filters.join(' ; ') : 'aucun'}`,
    header.primaryNetworks === 'primary'
      ? 'Organismes à plusieurs réseaux (CARSAT, CGSS…) : comptés dans leur réseau principal'
      : 'Organismes à plusieurs réseaux (CARSAT, CGSS…) : comptés dans chacun de leurs réseaux',
    ...aboutLines[header.kind],
    header.kind === 'posts'
      ? "Dates en heure légale de chaque organisme. La création est datée par l'ATS ; « vue par le " +
        "connecteur » est sa première lecture de l'offre ; la date de saisie est celle indiquée par " +
        "l'administrateur."
      : 'Dates en heure légale de chaque organisme. La création et la publication sont datées par ' +
        "l'ATS ; les autres dates sont celles où le connecteur a constaté le fait (l'ATS ne date ni " +
        'la soumission ni la réponse). Délais en jours.',
  ];
}

export function indicators(s: GroupStats): [string, Figure][] {
  return [
    ['Offres', { kind: 'int', value: s.offers }],
    ['Offres concernées', { kind: 'int', value: s.concerned }],
    ['Offres au périmètre indéterminé (données manquantes)', { kind: 'int', value: s.toVerify }],
    ['Offres concernées entrées dans le processus pendant la période', { kind: 'int', value: s.subject }],
    ["dont soumission à l'EN3S observée", { kind: 'int', value: s.throughProcess }],
    ['dont réponse observée (approbation ou refus)', { kind: 'int', value: s.answered }],
    ["dont réponse attribuée à l'EN3S seule", { kind: 'int', value: s.answeredByEn3s }],
    [
      "Part des offres concernées entrées dans le processus dont la soumission à l'EN3S a été observée",
      { kind: 'share', value: s.throughProcessShare },
    ],
    [
      'Réponses observées sur des offres non concernées ou au périmètre indéterminé (non comptées ci-dessus)',
      { kind: 'int', value: s.answeredElsewhere },
    ],
    ["Offres publiées sans l'approbation de l'EN3S (manquements)", { kind: 'int', value: s.publishedWithoutApproval }],
    [
      'Délai médian entre soumission et réponse observées, offres concernées (jours)',
      { kind: 'days', value: s.answerDaysMedian },
    ],
    [
      'Délai entre soumission et réponse observées, offres concernées, 90e centile (jours)',
      { kind: 'days', value: s.answerDaysP90 },
    ],
  ];
}

export function stateLines(s: GroupStats): [string, number][] {
  return jobProcessStates.map((state) => [jobProcessLabel(state), s.byState[state]]);
}

export const groupTitles = [
  'Offres',
  'Concernées',
  'Indéterminées (données manquantes)',
  'Entrées dans le processus',
  "Soumises à l'EN3S",
  'Part soumise',
  'Publiées sans approbation',
  'Réponses observées (concernées)',
  "Attribuées à l'EN3S seule",
  'Délai médian (j)',
  'Délai 90e centile (j)',
] as const;

export function groupFigures(g: Group): Figure[] {
  const s = g.stats;
  return [
    { kind: 'int', value: s.offers },
    { kind: 'int', value: s.concerned },
    { kind: 'int', value: s.toVerify },
    { kind: 'int', value: s.subject },
    { kind: 'int', value: s.throughProcess },
    { kind: 'share', value: s.throughProcessShare },
    { kind: 'int', value: s.publishedWithoutApproval },
    { kind: 'int', value: s.answered },
    { kind: 'int', value: s.answeredByEn3s },
    { kind: 'days', value: s.answerDaysMedian },
    { kind: 'days', value: s.answerDaysP90 },
  ];
}

/**
 * A share as shown, a fraction rounded to a thousandth (one decimal of a percentage) that never
 * reads 100 % unless it is all, nor 0 % unless it is none (`shareOf` keeps 1 and 0 for those).
 */
export function shownShare(value: number): number {
  const rounded = Math.round(value * 1000) / 1000;
  if (value < 1 && rounded >= 1) return 0.999;
  if (value > 0 && rounded <= 0) return 0.001;
  return rounded;
}

/** A figure as French text: `95,5 %`, `6,9`, `—` when there is none. */
export function figureText(f: Figure): string {
  if (f.value === null) return '—';
  if (f.kind === 'share') return `${(Math.round(shownShare(f.value) * 1000) / 10).toString().replace('.', ',')} %`;
  return String(f.value).replace('.', ',');
}

/**
 * The total line of a table per group: the summary's figures, labelled with why it is not the sum of the lines when it
 * is not.
 */
export function groupTotal(groups: Group[], total: GroupStats): Group {
  return {
    key: 'total',
    label: totalLabel(
      groups.reduce((sum, g) => sum + g.stats.offers, 0),
      total.offers,
    ),
    stats: total,
  };
}
