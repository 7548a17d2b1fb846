import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import cron, { type ScheduledTask } from 'node-cron';
import { parseMonthDayTime, type MonthDayTime } from '../config.js';
import type { OrganismsFile } from '../domain/organism-schema.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/database.js';
import { campaignHasOffers } from '../store/offers.js';
import { generateReportFile } from './generate.js';
import type { ReportMailer } from './mail.js';
import type { ReportFormat, ReportKind } from './options.js';
import { doneScheduleKeys } from './runs.js';

/**
 * Scheduled reports, in Paris time: the control report every Monday at 07:00 during the window
 * (1 January – 30 April), and the final report with the recap per network at the end of the
 * "période d'affectation" (instruction §3), the setting `reportsFinalAt` (default 2 May at 07:00).
 *
 * Which runs are due is a pure function of the instant and of the runs already made
 * (`dueRuns`); node-cron only says "look now", and the same look is made at start-up, so a run
 * missed while the service was down is made at the next start. Only the latest slot of each kind
 * is caught up: a weekly report missed three weeks ago is superseded by the last one, and none
 * once the final one is due; a final report missed is made until the next window opens on
 * 1 January. A scheduled report shows the campaign as it stood at its slot
 * (rebuilt from the ledger), so a run made late says the same as one made on time.
 */

const ZONE = 'Europe/Paris';
export const WEEKLY_CRON = '0 7 * 1-4 1';
/** The setting's default: 2 May at 07:00, Paris time. */
export const DEFAULT_FINAL_AT = '05-02T07:00';

function finalOf(text: string): MonthDayTime {
  const at = parseMonthDayTime(text);
  if (at === null)
    throw new RangeError(`final report instant: expected MM-DD or MM-DDTHH:mm, got ${JSON.stringify(text)}`);
  return at;
}

/** The cron expression of the final slot (node-cron, Paris time). */
export function finalCron(finalAt: string = DEFAULT_FINAL_AT): string {
  const at = finalOf(finalAt);
  return `${at.minute} ${at.hour} ${at.day} ${at.month} *`;
}

/** The final slot of a year, Paris time. */
const finalIn = (year: number, at: MonthDayTime) =>
  DateTime.fromObject({ year, month: at.month, day: at.day, hour: at.hour, minute: at.minute }, { zone: ZONE });

export interface ScheduleSlot {
  kind: 'weekly' | 'final';
  campaign: number;
  /** ISO instant of the slot (07:00 Paris on Mondays; the final one at `finalAt`). */
  dueAt: string;
  /** `weekly:2027-01-04` or `final:2027`. */
  key: string;
}

export interface DueRun {
  slot: ScheduleSlot;
  report: ReportKind;
  format: ReportFormat;
  /** Unique per slot, report and format: recorded with the run, so it is made once. */
  scheduleKey: string;
  fileName: string;
}

const at7 = (date: DateTime) => date.set({ hour: 7, minute: 0, second: 0, millisecond: 0 });

/** The last Monday-07:00 slot of a window at or before `nowMs`, if the instant is in that window's season. */
function latestWeekly(nowMs: number, finalAt: MonthDayTime): ScheduleSlot | null {
  const now = DateTime.fromMillis(nowMs, { zone: ZONE });
  let monday = at7(now.startOf('day').minus({ days: (now.weekday + 6) % 7 }));
  if (monday.toMillis() > nowMs) monday = monday.minus({ weeks: 1 });
  // Mondays inside the window only: 1 January … 30 April of the Monday's year.
  if (monday.month > 4) return null;
  const campaign = monday.year;
  if (finalIn(campaign, finalAt).toMillis() <= nowMs) return null;
  const day = monday.toISODate()!;
  return { kind: 'weekly', campaign, dueAt: monday.toUTC().toISO()!, key: `weekly:${day}` };
}

/** This year's final slot, once passed and until the next window opens on 1 January. */
function latestFinal(nowMs: number, finalAt: MonthDayTime): ScheduleSlot | null {
  const now = DateTime.fromMillis(nowMs, { zone: ZONE });
  const final = finalIn(now.year, finalAt);
  if (final.toMillis() > nowMs) return null;
  return { kind: 'final', campaign: final.year, dueAt: final.toUTC().toISO()!, key: `final:${final.year}` };
}

function fileName(slot: ScheduleSlot, report: ReportKind, format: ReportFormat): string {
  const what = report === 'report' ? 'rapport' : 'recapitulatif';
  const when = slot.kind === 'final' ? 'final' : `semaine-${slot.key.slice('weekly:'.length)}`;
  return `en3s-${what}-${slot.campaign}-${when}.${format}`;
}

/**
 * Every run the slots at `nowMs` call for; the caller drops those whose key is already done. `finalAt`: `MM-DDTHH:mm`,
 * Paris time.
 */
export function candidateRuns(
  nowMs: number,
  formats: readonly ReportFormat[],
  finalAt: string = DEFAULT_FINAL_AT,
): DueRun[] {
  const runs: DueRun[] = [];
  const final = finalOf(finalAt);
  const slots = [latestWeekly(nowMs, final), latestFinal(nowMs, final)].filter((s): s is ScheduleSlot => s !== null);
  for (const slot of slots) {
    const kinds: ReportKind[] = slot.kind === 'final' ? ['report', 'recap'] : ['report'];
    for (const report of kinds) {
      for (const format of formats) {
        runs.push({
          slot,
          report,
          format,
          scheduleKey: `${slot.key}:${report}:${format}`,
          fileName: fileName(slot, report, format),
        });
      }
    }
  }
  return runs;
}

/** Pure: the runs due at `now`, given the schedule keys already done. */
export function dueRuns(
  now: Date | number,
  done: ReadonlySet<string>,
  formats: readonly ReportFormat[],
  finalAt: string = DEFAULT_FINAL_AT,
): DueRun[] {
  const nowMs = typeof now === 'number' ? now : now.getTime();
  return candidateRuns(nowMs, formats, finalAt).filter((run) => !done.has(run.scheduleKey));
}

export interface SchedulerOptions {
  store: Store;
  organisms: OrganismsFile;
  clock: Clock;
  log: Logger;
  /** Folder the files are written to (created when missing). */
  dir: string;
  formats: readonly ReportFormat[];
  primaryNetworks: 'all' | 'primary';
  /**
   * When the final report and the recap are due each year (`reportsFinalAt`, `MM-DDTHH:mm` Paris time); default 2 May
   * 07:00.
   */
  finalAt?: string;
  mailer?: ReportMailer | null;
  /** Told of each scheduled file written (metrics). */
  onRun?: (run: DueRun) => void;
  /**
   * Told of each failure, also logged: the look at the runs due (the folder, the database), one
   * run, or the e-mail of the files (metrics, so that an operator is alerted).
   */
  onFailure?: (stage: 'look' | 'run' | 'mail') => void;
}

export interface MadeRun {
  run: DueRun;
  path: string;
  sha256: string;
  rows: number;
}

export class ReportScheduler {
  private tasks: ScheduledTask[] = [];
  private running: Promise<MadeRun[]> | null = null;

  constructor(private readonly o: SchedulerOptions) {}

  /**
   * Makes the runs missed while stopped, then looks again at every slot. A failure is logged,
   * never thrown: reports must not keep the service from starting.
   */
  async start(): Promise<MadeRun[]> {
    const look = () =>
      this.runDue().catch((error: unknown) => {
        this.o.log.error('scheduled reports failed', { error: error instanceof Error ? error.message : String(error) });
        this.o.onFailure?.('look');
        return [];
      });
    const made = await look();
    this.tasks = [
      cron.schedule(WEEKLY_CRON, () => void look(), { timezone: ZONE }),
      cron.schedule(finalCron(this.o.finalAt), () => void look(), { timezone: ZONE }),
    ];
    return made;
  }

  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
    await this.running?.catch(() => undefined);
  }

  /** The one entry point of the cron ticks and the start: makes whatever is due now, once. */
  runDue(): Promise<MadeRun[]> {
    this.running ??= this.makeDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * The runs whose campaign had an offer at their slot. A campaign without any (a fresh database
   * at its first start) gets no empty « final » report; the slot is not recorded as done, and
   * since the report would show the campaign as it stood at the slot, looking again later
   * finds it as empty, so nothing is written late either.
   */
  private async withOffers(runs: DueRun[]): Promise<DueRun[]> {
    const empty = new Set<string>();
    for (const slot of new Map(runs.map((r) => [r.slot.key, r.slot])).values()) {
      if (!(await campaignHasOffers(this.o.store.db, slot.campaign, slot.dueAt))) {
        empty.add(slot.key);
        this.o.log.info('scheduled report skipped: no offer in the campaign at its slot', {
          slot: slot.key,
          campaign: slot.campaign,
        });
      }
    }
    return runs.filter((r) => !empty.has(r.slot.key));
  }

  private async makeDue(): Promise<MadeRun[]> {
    const { store, clock, log } = this.o;
    const now = clock.now();
    const finalAt = this.o.finalAt ?? DEFAULT_FINAL_AT;
    const candidates = candidateRuns(now.getTime(), this.o.formats, finalAt);
    const due = await this.withOffers(
      dueRuns(
        now,
        await doneScheduleKeys(
          store.db,
          candidates.map((c) => c.scheduleKey),
        ),
        this.o.formats,
        finalAt,
      ),
    );
    if (due.length === 0) return [];
    await mkdir(this.o.dir, { recursive: true });
    const made: MadeRun[] = [];
    for (const run of due) {
      // One run failing (a disk full, a report changing three times while written) does not stop the others.
      try {
        const generatedAt = clock.now().toISOString();
        const result = await generateReportFile(store.db, this.o.organisms, {
          kind: run.report,
          format: run.format,
          options: {
            campaign: run.slot.campaign,
            asOf: run.slot.dueAt,
            network: null,
            regime: null,
            body: null,
            states: null,
            primaryNetworks: this.o.primaryNetworks,
          },
          generatedAt,
          out: join(this.o.dir, run.fileName),
          trigger: 'schedule',
          now: generatedAt,
          dueAt: run.slot.dueAt,
          scheduleKey: run.scheduleKey,
        });
        if (result.run === null) continue;
        made.push({ run, path: result.file.path, sha256: result.file.sha256, rows: result.rowCount });
        this.o.onRun?.(run);
        log.info('scheduled report written', {
          slot: run.slot.key,
          report: run.report,
          format: run.format,
          rows: result.rowCount,
          sha256: result.file.sha256,
        });
      } catch (error) {
        log.error('scheduled report failed', {
          slot: run.slot.key,
          report: run.report,
          format: run.format,
          error: error instanceof Error ? error.message : String(error),
        });
        this.o.onFailure?.('run');
      }
    }
    if (made.length > 0 && this.o.mailer) {
      const sent = await this.o.mailer.send(made);
      if (!sent.ok) {
        log.error('scheduled reports not e-mailed', { error: sent.error });
        this.o.onFailure?.('mail');
      }
    }
    return made;
  }
}
