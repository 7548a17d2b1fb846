import { jobProcessStates, type JobProcessState } from '../domain/job-process-states.js';
import { mondayOf } from './local-dates.js';
import type {
  Group,
  GroupStats,
  Recap,
  RecapLine,
  RecapOffer,
  RecapStatus,
  ReportRow,
  Summary,
  WeekCount,
} from './model.js';
import { regimeLabels } from './options.js';

/**
 * The summary and the recap per network, accumulated row by row so that they can be computed
 * while the rows stream past (memory grows with the number of groups and of answered offers,
 * not with the rows). Groups are sorted by label, so the same rows always give the same output.
 */

/** Median and 90th percentile: nearest rank, i.e. a value actually observed. */
export function percentile(sorted: Float64Array | number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

export function median(sorted: Float64Array | number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const mid = Math.floor(n / 2);
  return n % 2 === 1 ? sorted[mid]! : Math.round(((sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
}

/**
 * A share rounded to four decimals that never reads as all unless it is all, nor as none unless
 * it is none: 19 999 of 20 000 is 0.9999, not 1.
 */
export function shareOf(part: number, whole: number): number | null {
  if (whole === 0) return null;
  const rounded = Math.round((part / whole) * 10_000) / 10_000;
  if (part > 0 && part < whole) return Math.min(0.9999, Math.max(0.0001, rounded));
  return rounded;
}

class StatsBuilder {
  offers = 0;
  byState = new Map<JobProcessState, number>();
  concerned = 0;
  toVerify = 0;
  subject = 0;
  throughProcess = 0;
  publishedWithoutApproval = 0;
  answered = 0;
  answeredByEn3s = 0;
  answeredElsewhere = 0;
  answerDays: number[] = [];

  add(row: ReportRow): void {
    this.offers += 1;
    this.byState.set(row.state, (this.byState.get(row.state) ?? 0) + 1);
    if (row.concerned === 'yes') this.concerned += 1;
    if (row.concerned === 'undetermined') this.toVerify += 1;
    // The answers and their delays are counted among the concerned offers that went into the
    // process, so that answers ≤ submissions ≤ offers in the process ≤ concerned offers; an
    // answer seen on an offer now not concerned or undetermined is counted apart.
    const answered = row.answer === 'approved' || row.answer === 'refused';
    if (row.concerned === 'yes' && row.enteredProcess) {
      this.subject += 1;
      if (row.submission !== null || answered) this.throughProcess += 1;
      if (answered) {
        this.answered += 1;
        if (row.answerByEn3s === true) this.answeredByEn3s += 1;
      }
      if (row.answerDays !== null) this.answerDays.push(row.answerDays);
    } else if (answered) this.answeredElsewhere += 1;
    if (row.publishedWithoutApproval) this.publishedWithoutApproval += 1;
  }

  result(): GroupStats {
    const days = Float64Array.from(this.answerDays).sort();
    return {
      offers: this.offers,
      byState: Object.fromEntries(jobProcessStates.map((s) => [s, this.byState.get(s) ?? 0])) as Record<
        JobProcessState,
        number
      >,
      concerned: this.concerned,
      toVerify: this.toVerify,
      subject: this.subject,
      throughProcess: this.throughProcess,
      throughProcessShare: shareOf(this.throughProcess, this.subject),
      publishedWithoutApproval: this.publishedWithoutApproval,
      answered: this.answered,
      answeredByEn3s: this.answeredByEn3s,
      answeredElsewhere: this.answeredElsewhere,
      answerDaysMedian: median(days),
      answerDaysP90: percentile(days, 0.9),
    };
  }
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

class Groups {
  private readonly groups = new Map<string, { label: string; stats: StatsBuilder }>();
  add(key: string, label: string, row: ReportRow): void {
    let group = this.groups.get(key);
    if (!group) {
      group = { label, stats: new StatsBuilder() };
      this.groups.set(key, group);
    }
    group.stats.add(row);
  }
  result(): Group[] {
    return [...this.groups.entries()]
      .map(([key, g]) => ({ key, label: g.label, stats: g.stats.result() }))
      .sort((a, b) => collator.compare(a.label, b.label) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}

export const NO_NETWORK = 'Sans réseau';

/**
 * The label of a total line, which says on the same line why the total is not the sum of the
 * lines above it: an offer of a body with several networks (CARSAT, CGSS…) is counted in each.
 */
export function totalLabel(sumOfLines: number, total: number): string {
  return sumOfLines === total
    ? 'Total'
    : 'Total des offres distinctes (une offre d’un organisme à plusieurs réseaux compte dans ' +
        'chacun ci-dessus, une seule fois ici)';
}

export class SummaryBuilder {
  private readonly total = new StatsBuilder();
  private readonly regimes = new Groups();
  private readonly networks = new Groups();
  private readonly bodies = new Groups();
  private readonly weeks = new Map<string, Map<JobProcessState, number>>();
  private readonly weekOfDay = new Map<string, string>();
  private readonly windowStart: string;

  constructor(campaign: number) {
    this.windowStart = `${campaign}-01-01`;
  }

  add(row: ReportRow): void {
    this.total.add(row);
    this.regimes.add(
      row.regime ?? 'inconnu',
      row.regime ? (regimeLabels[row.regime] ?? row.regime) : 'Régime inconnu',
      row,
    );
    if (row.networks.length === 0) this.networks.add(NO_NETWORK, NO_NETWORK, row);
    for (const network of row.networks) this.networks.add(network, network, row);
    this.bodies.add(row.organism, row.organism, row);
    const day = row.days.createdAt ?? '';
    let week = this.weekOfDay.get(day);
    if (week === undefined) {
      week = day < this.windowStart ? '' : mondayOf(day);
      this.weekOfDay.set(day, week);
    }
    let counts = this.weeks.get(week);
    if (!counts) {
      counts = new Map();
      this.weeks.set(week, counts);
    }
    counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  }

  result(): Summary {
    const weeks: WeekCount[] = [...this.weeks.keys()].sort().map((week) => ({
      week: week === '' ? null : week,
      byState: Object.fromEntries(
        jobProcessStates.filter((s) => this.weeks.get(week)!.has(s)).map((s) => [s, this.weeks.get(week)!.get(s)!]),
      ),
    }));
    return {
      total: this.total.result(),
      byRegime: this.regimes.result(),
      byNetwork: this.networks.result(),
      byBody: this.bodies.result(),
      weeks,
    };
  }
}

/**
 * States of an offer still in the process, waiting for EN3S's approval (a refusal seen with other approvers included).
 */
const pendingStates: ReadonlySet<JobProcessState> = new Set([
  'awaiting_approver',
  'awaiting_submission',
  'submitted',
  'refusal_observed',
  'published_without_approval',
]);

function recapStatus(row: ReportRow): RecapStatus | null {
  if (row.state === 'refused') return 'refused';
  if (row.state === 'approved') return 'approved';
  if (row.state === 'released') return 'released';
  if (pendingStates.has(row.state)) return 'pending';
  return null;
}

const emptyLine = (network: string): RecapLine => ({
  network,
  offeredToStudents: 0,
  approved: 0,
  pending: 0,
  releasedWithoutAnswer: 0,
  total: 0,
});

function count(line: RecapLine, status: RecapStatus): void {
  if (status === 'refused') line.offeredToStudents += 1;
  else if (status === 'approved') line.approved += 1;
  else if (status === 'pending') line.pending += 1;
  else line.releasedWithoutAnswer += 1;
  line.total += 1;
}

/**
 * The recap per network: refused by EN3S (posts kept for the students), approved, still pending, released without an
 * answer.
 */
export class RecapBuilder {
  private readonly lines = new Map<string, { line: RecapLine; offers: RecapOffer[] }>();
  private readonly total = emptyLine('Total');

  add(row: ReportRow): void {
    const status = recapStatus(row);
    if (status === null) return;
    count(this.total, status);
    const offer: RecapOffer = {
      reference: row.reference,
      title: row.title,
      organism: row.organism,
      grid: row.grid,
      level: row.level,
      status,
      answerAt: row.answerAt,
      timeZone: row.timeZone,
    };
    for (const network of row.networks.length > 0 ? row.networks : [NO_NETWORK]) {
      let entry = this.lines.get(network);
      if (!entry) {
        entry = { line: emptyLine(network), offers: [] };
        this.lines.set(network, entry);
      }
      count(entry.line, status);
      entry.offers.push(offer);
    }
  }

  result(): Recap {
    const networks = [...this.lines.keys()].sort((a, b) => collator.compare(a, b) || (a < b ? -1 : 1));
    return {
      lines: networks.map((n) => ({ ...this.lines.get(n)!.line })),
      total: {
        ...this.total,
        network: totalLabel(
          networks.reduce((sum, n) => sum + this.lines.get(n)!.line.total, 0),
          this.total.total,
        ),
      },
      detail: networks.map((n) => ({ network: n, offers: this.lines.get(n)!.offers })),
    };
  }
}
