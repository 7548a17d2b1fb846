import { retentionDay, retentionScope, type RetentionScope } from '../domain/retention.js';
import type { Store } from '../store/database.js';
import { appendLedger, serviceEntry } from '../store/ledger.js';
import { claimPurgeDay, countPurgeable, purgePersonalData, type PurgeCounts } from '../store/retention.js';
import { inTransaction } from '../store/transaction.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';

/**
 * The purge of personal data past its retention (docs/personal-data.md): by hand
 * (`en3s db purge`) or once a day on the service's schedule. A purge that removed something is
 * recorded in the ledger (`retention.purge`, with its scope and counts) in the same transaction;
 * one that found nothing leaves no entry.
 */

export type PurgeTrigger = 'cli' | 'schedule';

export interface PurgeOutcome {
  scope: RetentionScope;
  counts: PurgeCounts;
  dryRun: boolean;
  /** The ledger entry's seq, when one was written. */
  ledgerSeq: number | null;
}

export function purgedAnything(counts: PurgeCounts): boolean {
  return counts.inboxBodies + counts.mailRecipients + counts.mailboxMessages > 0;
}

/** Counts (`dryRun`) or purges, at `now`, what is past `months` after its campaign. */
export async function runRetentionPurge(
  store: Store,
  options: { months: number; now: Date; dryRun: boolean; trigger: PurgeTrigger },
): Promise<PurgeOutcome> {
  const scope = retentionScope(options.now.getTime(), options.months);
  if (options.dryRun) {
    return { scope, counts: await countPurgeable(store.db, scope), dryRun: true, ledgerSeq: null };
  }
  const nowIso = options.now.toISOString();
  return inTransaction(store, async (trx) => {
    const counts = await purgePersonalData(trx, scope);
    if (!purgedAnything(counts)) return { scope, counts, dryRun: false, ledgerSeq: null };
    const [entry] = await appendLedger(
      trx,
      [
        serviceEntry({
          kind: 'retention.purge',
          data: {
            trigger: options.trigger,
            retentionMonths: options.months,
            lastCampaign: scope.lastCampaign,
            receivedBefore: scope.receivedBefore,
            ...counts,
          },
        }),
      ],
      nowIso,
    );
    return { scope, counts, dryRun: false, ledgerSeq: entry!.seq };
  });
}

/**
 * The daily purge of the service: `runIfDue` is called often (hourly and at start-up); the first
 * call of each Paris day, across every instance on the database, purges; the others do nothing.
 */
export class RetentionSchedule {
  constructor(private readonly deps: { store: Store; clock: Clock; log: Logger; months: number }) {}

  /** The outcome when this call ran the day's purge, null when it was already taken. */
  async runIfDue(): Promise<PurgeOutcome | null> {
    const { store, clock, log, months } = this.deps;
    const now = clock.now();
    if (!(await claimPurgeDay(store.db, retentionDay(now.getTime()), now.toISOString()))) return null;
    const outcome = await runRetentionPurge(store, { months, now, dryRun: false, trigger: 'schedule' });
    log.info('retention purge', { lastCampaign: outcome.scope.lastCampaign, ...outcome.counts });
    return outcome;
  }
}
