import { catchUpProjection, projectChanges } from '../reports/projection.js';
import type { Store } from '../store/database.js';
import { appendLedger, serviceEntry } from '../store/ledger.js';
import { lastOfferChange, setProjectionCursor } from '../store/offer-changes.js';
import { inTransaction } from '../store/transaction.js';
import type { PipelineContext } from './context.js';
import { Loop, type LoopOptions } from './loop.js';

/**
 * Keeps the report's projection (`offer_report`) up to date: each batch projects the offers
 * changed after the projector's cursor and moves the cursor, in one transaction
 * (`projectChanges`). Started wherever the inbox worker is; several instances may run it, the
 * cursor's lock lets one batch through at a time. A stop lets the batch in progress commit.
 */

export interface ProjectorOptions extends Partial<LoopOptions> {
  /** Offers projected per transaction (default 500). */
  batchSize?: number;
}

export class Projector extends Loop {
  private readonly batchSize: number;

  constructor(
    private readonly ctx: Pick<PipelineContext, 'store' | 'clock' | 'log'>,
    options: ProjectorOptions = {},
  ) {
    super('projector', ctx.log, options);
    this.batchSize = options.batchSize ?? 500;
  }

  /** Projects one batch; returns how many offers it projected. */
  async runOnce(): Promise<number> {
    const { projected } = await projectChanges(this.ctx.store.db, this.ctx.clock.now().toISOString(), this.batchSize);
    return projected;
  }

  /** Projects until no change is left; returns the cursor then. For tests and the CLI. */
  catchUp(): Promise<number> {
    return catchUpProjection(this.ctx.store.db, this.ctx.clock.now().toISOString(), this.batchSize);
  }
}

/**
 * Every offer to be projected again (`en3s db reproject`): the cursor back to 0, recorded in the
 * ledger in the same transaction. A backfill, or a change of how an offer is projected (a report
 * reason reworded, an offer forced before it), is this; the projector then catches up.
 */
export async function resetProjection(store: Store, now: Date): Promise<{ ledgerSeq: number; lastChange: number }> {
  const at = now.toISOString();
  return inTransaction(store, async (trx) => {
    const lastChange = await lastOfferChange(trx);
    await setProjectionCursor(trx, 0, at);
    const [entry] = await appendLedger(
      trx,
      [serviceEntry({ kind: 'projection.reset', data: { trigger: 'cli', lastChange } })],
      at,
    );
    return { ledgerSeq: entry!.seq, lastChange };
  });
}
