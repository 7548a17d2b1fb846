import type { Logger } from '../logger.js';

/**
 * A background loop that runs a batch, sleeps when there was nothing to do, and stops cleanly:
 * `stop()` lets the batch in progress finish (its leases are released by the commit), then resolves.
 */

export interface LoopOptions {
  /** Sleep between batches when the last one found nothing. */
  idleMs: number;
  /** Sleep after an unexpected error, so a broken database does not spin the CPU. */
  errorMs: number;
}

export abstract class Loop {
  protected stopping = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  protected readonly options: LoopOptions;

  constructor(
    readonly name: string,
    protected readonly logger: Logger,
    options: Partial<LoopOptions> = {},
  ) {
    this.options = { idleMs: options.idleMs ?? 250, errorMs: options.errorMs ?? 2000 };
  }

  abstract runOnce(): Promise<number>;

  /** How long to sleep after a batch that found nothing; a loop may wake earlier for a known instant. */
  protected idleDelayMs(): number {
    return this.options.idleMs;
  }

  /** Runs batches until nothing is left; for tests and the CLI. */
  async drain(maxBatches = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await this.runOnce();
      total += n;
      if (n === 0) break;
    }
    return total;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Wakes a sleeping loop at once (e.g. a webhook was just committed). */
  poke(): void {
    this.wake?.();
  }

  get isRunning(): boolean {
    return this.running !== null && !this.stopping;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = null;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let delay = 0;
      try {
        if ((await this.runOnce()) === 0) delay = this.idleDelayMs();
      } catch (error) {
        this.logger.error(`${this.name} loop error`, { error: error instanceof Error ? error.message : String(error) });
        delay = this.options.errorMs;
      }
      if (delay > 0 && !this.stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
