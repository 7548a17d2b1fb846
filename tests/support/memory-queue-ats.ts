import type {
  AtsFailure,
  AtsOutcome,
  JobRead,
  PostingRead,
  QueueElement,
  QueueRef,
} from '../../connectors/ats-port.js';
import type { JobPosting, JobSnapshot } from '../../src/domain/job-snapshot.js';
import type { DrainPort } from '../../src/ingest/queue-drain.js';

/**
 * The queues of a TalentLink tenant held in memory, as docs/talentlink.md §5 describes them,
 * for the drain's tests: a queue hands out its OLDEST element and keeps it until it is deleted;
 * elements are unique (an object already waiting is not queued twice, but an object whose
 * element was read is queued again by its next event); an empty queue answers null (204); a
 * read whose object is out of reach answers `ELEMENT_FORBIDDEN` (403), or `ELEMENT_GONE` (404)
 * when the object is no longer in the database; deleting an element already gone, or the oldest
 * of an empty queue, is `already-applied` (404).
 *
 * Faults are scripted per operation: a failure value returned before or after the effect, or a
 * thrown error (a crash of the process at that point). `client(label)` gives each drain its own
 * handle on the same tenant, so a test can tell whose calls reached it and whether two overlapped.
 */

export type QueueOp = 'peekQueue' | 'fetchJob' | 'fetchPosting' | 'deleteQueueElement' | 'deleteOldestQueueElement';

export interface ScriptedQueueFault {
  op: QueueOp;
  /** Before the call has any effect, or after its effect (the answer is lost). */
  when: 'before' | 'after';
  /** A failure answered, or `crash`: the call throws, as if the process died there. */
  fail: AtsFailure | 'crash';
}

interface Job {
  id: string;
  title: string;
  status: string;
  /** Epoch ms. */
  updateDate: number;
  forbidden: boolean;
  /** Its document cannot be read (the port answers INVALID_RESPONSE). */
  corrupt: boolean;
}

interface Element {
  idInQueue: number;
  objectId: string;
  /** Handed out by a read since it was queued: a new event queues the object again. */
  read: boolean;
}

export interface QueueCall {
  client: string;
  op: QueueOp;
  queueName?: string;
}

export const transientFailure = (op: string): AtsFailure => ({
  kind: 'transient',
  code: 'HTTP_503',
  message: `${op}: 503 Service Unavailable`,
  status: 503,
});
export const throttledFailure = (op: string): AtsFailure => ({
  kind: 'throttled',
  code: 'OVER_QPS',
  message: `${op}: Account Over Queries Per Second Limit`,
  status: 403,
  retryAfterMs: 1000,
});

export class MemoryQueueAts {
  readonly calls: QueueCall[] = [];
  readonly faults: ScriptedQueueFault[] = [];
  /** Most queue calls in progress at once, across every client. */
  maxConcurrentCalls = 0;
  private inFlight = 0;
  private readonly jobs = new Map<string, Job>();
  private readonly postings = new Map<string, { id: string; jobId: string; createdAt: number; live: boolean }>();
  private readonly queues = new Map<string, { kind: QueueRef['kind']; elements: Element[] }>();
  private nextElementId = 1001;
  private nextPostingId = 9001;
  private lastChange = 0;

  constructor(private readonly options: { now?: () => Date; latencyMs?: number } = {}) {}

  private now(): number {
    return (this.options.now ?? (() => new Date()))().getTime();
  }

  addQueue(name: string, kind: QueueRef['kind']): QueueRef {
    this.queues.set(name, { kind, elements: [] });
    return { name, kind };
  }

  /** Creates or changes a job (`updateDate` moves) and raises its event in every job queue. */
  putJob(id: string, change: { title?: string; status?: string } = {}): void {
    this.lastChange = Math.max(this.lastChange + 1000, this.now());
    const job = this.jobs.get(id) ?? {
      id,
      title: `Offre ${id}`,
      status: 'Brouillon',
      updateDate: 0,
      forbidden: false,
      corrupt: false,
    };
    this.jobs.set(id, { ...job, ...change, updateDate: this.lastChange });
    this.raise('job', id);
  }

  /** The job leaves the database (its elements then read as 404). */
  removeJob(id: string): void {
    this.jobs.delete(id);
  }

  /** The queue's owner may no longer read the job (its elements then read as 403). */
  forbidJob(id: string): void {
    this.mustJob(id).forbidden = true;
  }

  /** The job's document comes back in a shape the port cannot read. */
  corruptJob(id: string): void {
    this.mustJob(id).corrupt = true;
  }

  /** Publishes a job: a posting and its `POSTING_CREATED` event in every posting queue. */
  publish(jobId: string): string {
    this.mustJob(jobId);
    const id = String(this.nextPostingId++);
    this.postings.set(id, { id, jobId, createdAt: this.now(), live: true });
    this.raise('posting', id);
    return id;
  }

  /** Takes a posting down: it still exists, but the ATS lists live postings only (its element stays in the queues). */
  unpost(postingId: string): void {
    const posting = this.postings.get(postingId);
    if (posting) posting.live = false;
  }

  /** The ids of the objects waiting in a queue, oldest first. */
  waiting(queueName: string): string[] {
    return this.mustQueue(queueName).elements.map((e) => e.objectId);
  }

  /** A handle on this tenant for one drain. */
  client(label: string): DrainPort {
    const call = async <T>(
      op: QueueOp,
      queueName: string | undefined,
      effect: () => AtsOutcome<T>,
    ): Promise<AtsOutcome<T>> => {
      this.calls.push({ client: label, op, ...(queueName !== undefined ? { queueName } : {}) });
      this.inFlight += 1;
      this.maxConcurrentCalls = Math.max(this.maxConcurrentCalls, this.inFlight);
      try {
        if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
        const before = this.takeFault<T>(op, 'before');
        if (before) return before;
        const result = effect();
        return this.takeFault<T>(op, 'after') ?? result;
      } finally {
        this.inFlight -= 1;
      }
    };
    return {
      name: 'talentlink',
      peekQueue: (queue) => call('peekQueue', queue.name, () => this.peek(queue)),
      fetchJob: (jobId) => call('fetchJob', undefined, () => this.readJob(jobId)),
      fetchPosting: (postingId) => call('fetchPosting', undefined, () => this.readPosting(postingId)),
      deleteQueueElement: (queue, elementId) =>
        call('deleteQueueElement', queue.name, () => this.deleteById(queue, elementId)),
      deleteOldestQueueElement: (queue) => call('deleteOldestQueueElement', queue.name, () => this.deleteOldest(queue)),
    };
  }

  private takeFault<T>(op: QueueOp, when: 'before' | 'after'): AtsOutcome<T> | undefined {
    const index = this.faults.findIndex((f) => f.op === op && f.when === when);
    if (index < 0) return undefined;
    const [fault] = this.faults.splice(index, 1);
    if (fault!.fail === 'crash') throw new Error(`simulated crash ${when} ${op}`);
    return { ok: false, error: fault!.fail };
  }

  private raise(kind: QueueRef['kind'], objectId: string): void {
    for (const queue of this.queues.values()) {
      if (queue.kind !== kind) continue;
      // Unique elements: an object already waiting, unread, is not queued twice.
      if (queue.elements.some((e) => e.objectId === objectId && !e.read)) continue;
      queue.elements.push({ idInQueue: this.nextElementId++, objectId, read: false });
    }
  }

  private peek(queue: QueueRef): AtsOutcome<QueueElement | null> {
    const held = this.queues.get(queue.name);
    if (!held || held.kind !== queue.kind)
      return fail(
        'permanent',
        'UNKNOWN_QUEUE',
        `peekQueue: 400 no queue ${JSON.stringify(queue.name)} of ${queue.kind}s`,
      );
    const oldest = held.elements[0];
    if (!oldest) return { ok: true, value: null };
    oldest.read = true;
    const elementId = String(oldest.idInQueue);
    if (queue.kind === 'job') {
      const job = this.jobs.get(oldest.objectId);
      if (!job)
        return fail('permanent', 'ELEMENT_GONE', 'peekQueue: 404 the oldest element is an object no longer in the ATS');
      if (job.forbidden)
        return fail(
          'permanent',
          'ELEMENT_FORBIDDEN',
          'peekQueue: 403 the oldest element is an object the API user may not read',
        );
      return {
        ok: true,
        value: { kind: 'job', queueName: queue.name, elementId, jobId: job.id, atsStatus: job.status },
      };
    }
    if (!this.postings.has(oldest.objectId))
      return fail('permanent', 'ELEMENT_GONE', 'peekQueue: 404 the oldest element is an object no longer in the ATS');
    return { ok: true, value: { kind: 'posting', queueName: queue.name, elementId, postingId: oldest.objectId } };
  }

  private readJob(jobId: string): AtsOutcome<JobRead> {
    if (!/^\d+$/.test(jobId))
      return fail(
        'permanent',
        'INVALID_ARGUMENT',
        `fetchJob: the job id must be a decimal integer, got ${JSON.stringify(jobId)}`,
      );
    const job = this.jobs.get(jobId);
    // A job the user may not see comes back as an empty list, like one that does not exist (docs/talentlink.md §2).
    if (!job || job.forbidden) return fail('permanent', 'NOT_FOUND', `fetchJob: no job ${jobId}`);
    if (job.corrupt)
      return fail(
        'permanent',
        'INVALID_RESPONSE',
        `fetchJob: invalid answer: data.positions[0].updateDate: expected a number, ` +
          `got "${new Date(job.updateDate).toISOString()}"`,
      );
    return { ok: true, value: this.jobRead(job) };
  }

  private readPosting(postingId: string): AtsOutcome<PostingRead> {
    const posting = this.postings.get(postingId);
    if (!posting?.live) return fail('permanent', 'NOT_FOUND', `fetchPosting: no posting ${postingId}`);
    const job = this.jobs.get(posting.jobId);
    if (!job)
      return fail(
        'permanent',
        'INVALID_RESPONSE',
        "fetchPosting: invalid answer: data.publishedAdverts[0].opening: expected the posting's job, got nothing",
      );
    const read: JobPosting = {
      id: posting.id,
      atsStatus: 'Publiée',
      postedAt: new Date(posting.createdAt).toISOString(),
    };
    return { ok: true, value: { posting: read, job: this.jobRead(job) } };
  }

  private deleteById(queue: QueueRef, elementId: string): AtsOutcome<void> {
    const held = this.mustQueue(queue.name);
    const index = held.elements.findIndex((e) => String(e.idInQueue) === elementId);
    if (index < 0)
      return fail('already-applied', 'NOT_FOUND', `deleteQueueElement: 404 element ${elementId} is already gone`);
    held.elements.splice(index, 1);
    return { ok: true, value: undefined };
  }

  private deleteOldest(queue: QueueRef): AtsOutcome<void> {
    const held = this.mustQueue(queue.name);
    if (held.elements.length === 0)
      return fail('already-applied', 'NOT_FOUND', 'deleteOldestQueueElement: 404 the queue is empty');
    held.elements.shift();
    return { ok: true, value: undefined };
  }

  private jobRead(job: Job): JobRead {
    const fetchedAt = new Date(this.now()).toISOString();
    const opening = {
      id: Number(job.id),
      jobNumber: `REF-${job.id}`,
      jobTitle: job.title,
      status: job.status,
      updateDate: job.updateDate,
    };
    const snapshot: JobSnapshot = {
      source: 'talentlink',
      atsId: job.id,
      jobNumber: opening.jobNumber,
      requisitionNumber: null,
      title: job.title,
      createdAt: new Date(job.updateDate).toISOString(),
      organism: null,
      classification: {
        grid: null,
        level: null,
        minesScale: null,
        minesCareerStart: null,
        jobFamily: null,
        category: null,
        collectiveAgreement: null,
      },
      unreadable: [],
      updatedAt: new Date(job.updateDate).toISOString(),
      fetchedAt,
      organization: { atsId: '77', name: 'CPAM du Val-de-Marne', ancestors: [] },
      status: 'UNKNOWN',
      atsStatus: job.status,
      team: { recruiters: [], operationals: [], approvers: [] },
      postings: null,
    };
    return { snapshot, document: JSON.stringify({ opening, postings: null }) };
  }

  private mustJob(id: string): Job {
    const job = this.jobs.get(id);
    if (!job) throw new Error(`memory queue ATS: no job ${id}`);
    return job;
  }

  private mustQueue(name: string) {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`memory queue ATS: no queue ${JSON.stringify(name)}`);
    return queue;
  }
}

function fail<T>(kind: AtsFailure['kind'], code: string, message: string): AtsOutcome<T> {
  return { ok: false, error: { kind, code, message } };
}
