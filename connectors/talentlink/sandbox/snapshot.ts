import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { jobDocumentSchema } from '../job-document.js';
import type { SandboxCounters } from './counters.js';
import type { QueuedElement, EventQueues } from './queues.js';
import type { JobMeta, SandboxState, Sequences, ChangeEntry } from './state.js';

/**
 * Optional persistence of the sandbox state in one JSON file, so a demo can stop and start
 * again where it was. Written (atomically: temp file then rename) shortly after changes and on
 * stop; read once at start. Jobs are validated with the contract's schema on the way in.
 */

export const snapshotFormat = 'en3s-talentlink-sandbox/1';

const snapshotSchema = z.object({
  format: z.literal(snapshotFormat),
  savedAt: z.string(),
  runId: z.string(),
  sequences: z.record(z.string(), z.number()),
  jobs: z.array(jobDocumentSchema),
  meta: z.record(z.string(), z.unknown()),
  changes: z.array(z.unknown()),
  counters: z.unknown(),
  organizationIds: z.record(z.string(), z.string()),
  queues: z.record(z.string(), z.array(z.unknown())),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export function readSnapshot(file: string): Snapshot | null {
  if (!existsSync(file)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`sandbox snapshot ${file}: not readable JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = snapshotSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`sandbox snapshot ${file}: ${parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

export function applySnapshot(snapshot: Snapshot, state: SandboxState, queues: EventQueues): void {
  state.restoreSequences(snapshot.sequences as unknown as Sequences);
  for (const job of snapshot.jobs) state.jobs.set(job.id, job);
  for (const [id, meta] of Object.entries(snapshot.meta)) state.meta.set(id, meta as JobMeta);
  state.changes = snapshot.changes as ChangeEntry[];
  state.counters = snapshot.counters as SandboxCounters;
  for (const [code, id] of Object.entries(snapshot.organizationIds)) state.organizationIds.set(code, id);
  queues.restore(snapshot.queues as Record<string, QueuedElement[]>);
}

export function takeSnapshot(state: SandboxState, queues: EventQueues, savedAt: string): Snapshot {
  return {
    format: snapshotFormat,
    savedAt,
    runId: state.runId,
    sequences: { ...state.sequences },
    jobs: [...state.jobs.values()],
    meta: Object.fromEntries(state.meta),
    changes: state.changes,
    counters: state.counters,
    organizationIds: Object.fromEntries(state.organizationIds),
    queues: queues.toJSON(),
  };
}

/** Saves at most once per `delayMs` after changes; `flush` writes at once. */
export class SnapshotWriter {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => Snapshot,
    private readonly delayMs = 200,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.delayMs);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.write();
  }

  private write(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.snapshot()));
    renameSync(temp, this.file);
  }
}
