import type { Clock } from '../clock.js';
import { DateTime } from 'luxon';
import { fold } from '../domain/organisms.js';
import type { OrganismsFile } from '../domain/organism-schema.js';
import { jobProcessStates, type JobProcessState } from '../domain/job-process-states.js';

/**
 * The options of a report, as the CLI, the scheduler and the admin API give them, checked once
 * here. Bad input is an expected failure: `parseReportOptions` returns the problems (French,
 * naming the option and what was expected) instead of throwing.
 */

export const reportFormats = ['csv', 'xlsx', 'json', 'html'] as const;
export type ReportFormat = (typeof reportFormats)[number];
/** The control report, the recap per network, the posts to enter on EN3S's online job board. */
export const reportKinds = ['report', 'recap', 'posts'] as const;
export type ReportKind = (typeof reportKinds)[number];

/** What each report is called, for administrators (CLI, dashboard). */
export const reportKindLabels: Record<ReportKind, string> = {
  report: 'Rapport de contrôle',
  recap: 'Récapitulatif par réseau',
  posts: 'Postes à saisir sur la bourse en ligne des postes de l’EN3S',
};

/** The formats each report is written in: the list of posts is a table to enter or import, not a page. */
export function formatsOf(kind: ReportKind): readonly ReportFormat[] {
  return kind === 'posts' ? ['csv', 'xlsx', 'json'] : reportFormats;
}

/**
 * The options a report does not take, as French problems. The list of posts shows the campaign
 * as it stands (which posts were entered is not rebuilt from the ledger at an earlier instant),
 * and every state of the offers it lists.
 */
export function unsupportedOptions(kind: ReportKind, options: Pick<ReportOptions, 'asOf' | 'states'>): string[] {
  if (kind !== 'posts') return [];
  const problems: string[] = [];
  if (options.asOf !== null)
    problems.push(
      'date de situation : la liste des postes à saisir montre la campagne telle qu’elle est, sans date de situation',
    );
  if (options.states !== null)
    problems.push('état : la liste des postes à saisir comprend toutes les offres concernées, sans filtre d’état');
  return problems;
}
export type RunTrigger = 'cli' | 'schedule' | 'api';

export const regimeLabels: Record<string, string> = {
  general: 'Régime général',
  agricole: 'Régime agricole',
  mines: 'Régime des mines',
  speciaux: 'Régimes spéciaux',
  ars: 'ARS',
  rsi: 'RSI',
};

export interface ReportOptions {
  campaign: number;
  /** ISO instant: the report as it stood then, rebuilt from the ledger. Null: as it stands. */
  asOf: string | null;
  network: string | null;
  regime: string | null;
  /** A body type key (`CARSAT`) or a body's name (compared folded). */
  body: string | null;
  states: JobProcessState[] | null;
  /** Bodies with several networks: counted under each (`all`) or the first one only (`primary`). */
  primaryNetworks: 'all' | 'primary';
}

export interface RawReportOptions {
  campaign?: unknown;
  asOf?: unknown;
  network?: unknown;
  regime?: unknown;
  body?: unknown;
  state?: unknown;
  primaryNetworks?: unknown;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: string[] };

const text = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;

/** Every network named in the bodies file, in file order, without duplicates. */
export function knownNetworks(organisms: OrganismsFile): string[] {
  return [...new Set(organisms.types.flatMap((t) => t.networks))];
}

/**
 * `asOf` accepts an ISO instant with its offset (`2027-02-01T12:00:00+01:00`, `…Z`) or a
 * calendar date, read as the end of that day in Paris ("as it stood on 1 February").
 */
export function parseAsOf(raw: string): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    const day = DateTime.fromISO(raw, { zone: 'Europe/Paris' });
    return day.isValid ? day.endOf('day').toUTC().toISO() : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return null;
  const instant = DateTime.fromISO(raw, { setZone: true });
  return instant.isValid ? instant.toUTC().toISO() : null;
}

export function parseReportOptions(raw: RawReportOptions, organisms: OrganismsFile): Parsed<ReportOptions> {
  const problems: string[] = [];
  const campaignText = text(raw.campaign);
  const campaign = campaignText !== null && /^\d{4}$/.test(campaignText) ? Number(campaignText) : NaN;
  if (!(campaign >= 2000 && campaign <= 2100)) {
    problems.push(`campagne : une année de 2000 à 2100 était attendue (ex. 2027), reçu « ${campaignText ?? ''} »`);
  }

  let asOf: string | null = null;
  const asOfText = text(raw.asOf);
  if (asOfText !== null) {
    asOf = parseAsOf(asOfText);
    if (asOf === null)
      problems.push(
        `date de situation : un instant ISO (ex. 2027-02-01T12:00:00+01:00) ou une date ` +
          `(2027-02-01) était attendu, reçu « ${asOfText} »`,
      );
  }

  const networks = knownNetworks(organisms);
  let network: string | null = null;
  const networkText = text(raw.network);
  if (networkText !== null) {
    network = networks.find((n) => fold(n) === fold(networkText)) ?? null;
    if (network === null)
      problems.push(`réseau : « ${networkText} » inconnu ; réseaux connus : ${networks.join(', ')}`);
  }

  let regime: string | null = null;
  const regimeText = text(raw.regime);
  if (regimeText !== null) {
    const wanted = fold(regimeText);
    regime =
      Object.keys(regimeLabels).find(
        (k) => k === wanted || fold(regimeLabels[k]!) === wanted || fold(regimeLabels[k]!).endsWith(` ${wanted}`),
      ) ?? null;
    if (regime === null)
      problems.push(`régime : « ${regimeText} » inconnu ; attendu ${Object.keys(regimeLabels).join(', ')}`);
  }

  const body = text(raw.body);

  let states: JobProcessState[] | null = null;
  const stateList = Array.isArray(raw.state)
    ? raw.state.map(text)
    : text(raw.state)
        ?.split(',')
        .map((s) => s.trim());
  if (stateList && stateList.length > 0) {
    const unknown = stateList.filter((s) => s === null || !(jobProcessStates as readonly string[]).includes(s));
    if (unknown.length > 0)
      problems.push(`état : « ${unknown.join(', ')} » inconnu ; états connus : ${jobProcessStates.join(', ')}`);
    else states = [...new Set(stateList as JobProcessState[])];
  }

  const primaryNetworks = raw.primaryNetworks ?? 'all';
  if (primaryNetworks !== 'all' && primaryNetworks !== 'primary')
    problems.push(`réseaux : « all » ou « primary » attendu, reçu « ${String(primaryNetworks)} »`);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { campaign, asOf, network, regime, body, states, primaryNetworks: primaryNetworks as 'all' | 'primary' },
  };
}

/** The body filter: a type key (case-insensitive) or a body's name, folded. */
export function bodyMatcher(
  body: string | null,
  organisms: OrganismsFile,
): ((type: string | null, name: string) => boolean) | null {
  if (body === null) return null;
  const typeKey = organisms.types.find((t) => t.key === body.toUpperCase())?.key;
  if (typeKey) return (type) => type === typeKey;
  const wanted = fold(body);
  return (_type, name) => fold(name) === wanted;
}

/**
 * The instant a report is produced at, and so its « Situation au » when no `asOf` is asked: the
 * business clock's now (`businessClock` of the settings). The CLI and the dashboard both take it
 * from here, so that the same database, options and settings give the same instant.
 */
export function generationInstant(clock: Clock): string {
  return clock.now().toISOString();
}
