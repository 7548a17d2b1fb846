import type { AtsConnector, AtsError, AtsResult, ChangedJobsPage, QueueElement, StartApprovalRequest } from '../../connectors/ats-connector.js';
import type { JobDocument, Notification, NotificationType } from '../../connectors/talentlink/job-document.js';
import { atsCommandKinds, type AtsCommandKind, type AtsMethod, type CallRecord, type ScriptedFault } from './memory-ats-types.js';
import { seededRandom, type SeededRandom } from './seeded-random.js';

export * from './memory-ats-types.js';

/**
 * An ATS held in memory, faithful to the REST contract of the TalentLink-style specification (§3):
 * versioned jobs (the version moves on every real change and only then), an approval team that
 * must be known to the tenant, an approval that starts once (409 ALREADY_STARTED), an idempotent
 * publication lock and withdrawal, paged change listing and a pull queue (§4). Recruiters and
 * EN3S act through `MemoryAtsActors` (`memory-ats-actors.ts`). Every change yields the
 * notification the ATS would push.
 *
 * Faults: a seeded ratio of calls fails as `transient` before doing anything, and a ratio of
 * command calls applies its effect and then fails (the answer is lost on the way back). Every call
 * is recorded with whether it had an effect, so a test can prove no effect was applied twice.
 */

export interface MemoryAtsOptions {
  now?: () => Date;
  seed?: number;
  /** Ratio of calls (any method) that fail as transient without doing anything. */
  failBefore?: number;
  /** Ratio of command calls that apply their effect, then fail as transient. */
  failAfter?: number;
  /** Approval teams known to the tenant, by name. */
  teams?: Record<string, { userId: string; name?: string }[]>;
  /** Also keep every notification in this pull queue (spec §4). */
  queueName?: string;
}

const QUEUE_REDELIVERY_MS = 60_000;

export const defaultTeams: Record<string, { userId: string; name?: string }[]> = {
  'EN3S dérogation': [{ userId: 'u-en3s', name: 'EN3S dérogation EN3S' }],
  'Validation DRH': [{ userId: 'u-drh', name: 'Validation DRH' }],
};

type Change = { effect: boolean; type: NotificationType } | { error: AtsError };

export class MemoryAts implements AtsConnector {
  readonly name = 'memory-ats';
  readonly calls: CallRecord[] = [];
  readonly faults: ScriptedFault[] = [];
  /** Notifications not yet taken by the test (the ATS's webhook deliveries). */
  private pending: Notification[] = [];
  private readonly jobs = new Map<string, JobDocument>();
  private readonly history = new Map<string, JobDocument[]>();
  private readonly modifiedAt = new Map<string, number>();
  private readonly queue: { notification: Notification; handedOutAt: number | null }[] = [];
  private readonly random: SeededRandom;
  readonly now: () => Date;
  readonly teams: Record<string, { userId: string; name?: string }[]>;

  constructor(private readonly options: MemoryAtsOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.random = seededRandom(options.seed ?? 1);
    this.teams = options.teams ?? defaultTeams;
  }

  /** The same ATS, with every call recorded as made by `caller` (a process, an instance). */
  as(caller: string): AtsConnector {
    const call = <T>(method: AtsMethod, args: unknown[]) => this.invoke(method, caller, args) as Promise<AtsResult<T>>;
    return {
      name: this.name,
      getJob: (jobId) => call<JobDocument>('getJob', [jobId]),
      listChanged: (sinceIso, page, pageSize) => call<ChangedJobsPage>('listChanged', [sinceIso, page, pageSize]),
      assignApprovalTeam: (jobId, teamName, key) => call<JobDocument>('assignApprovalTeam', [jobId, teamName, key]),
      startApproval: (jobId, request, key) => call<JobDocument>('startApproval', [jobId, request, key]),
      setPublicationLock: (jobId, locked, reason, key) => call<JobDocument>('setPublicationLock', [jobId, locked, reason, key]),
      withdrawPosting: (jobId, postingId, reason, key) => call<JobDocument>('withdrawPosting', [jobId, postingId, reason, key]),
      readQueue: (queueName) => call<QueueElement | null>('readQueue', [queueName]),
      ackQueue: (queueName, notificationId) => call<void>('ackQueue', [queueName, notificationId]),
    };
  }

  private readonly direct = this.as('direct');
  getJob: AtsConnector['getJob'] = (...a) => this.direct.getJob(...a);
  listChanged: AtsConnector['listChanged'] = (...a) => this.direct.listChanged(...a);
  assignApprovalTeam: AtsConnector['assignApprovalTeam'] = (...a) => this.direct.assignApprovalTeam(...a);
  startApproval: AtsConnector['startApproval'] = (...a) => this.direct.startApproval(...a);
  setPublicationLock: AtsConnector['setPublicationLock'] = (...a) => this.direct.setPublicationLock(...a);
  withdrawPosting: AtsConnector['withdrawPosting'] = (...a) => this.direct.withdrawPosting(...a);
  readQueue: AtsConnector['readQueue'] = (...a) => this.direct.readQueue(...a);
  ackQueue: AtsConnector['ackQueue'] = (...a) => this.direct.ackQueue(...a);

  /** One call of the REST API, by method name: what the IPC proxy of the crash test forwards. */
  async invoke(method: AtsMethod, caller: string, args: unknown[]): Promise<AtsResult<unknown>> {
    const jobId = method === 'listChanged' || method === 'readQueue' || method === 'ackQueue' ? null : String(args[0]);
    const key = atsCommandKinds[method as keyof typeof atsCommandKinds] ? String(args.at(-1)) : null;
    const record: CallRecord = { seq: this.calls.length + 1, method, jobId, key, caller, at: this.now().getTime(), args: jobId === null ? args : args.slice(1), effect: false, answer: 'ok' };
    this.calls.push(record);
    const answer = (result: AtsResult<unknown>): AtsResult<unknown> => {
      if (!result.ok) record.answer = result.error.code;
      return structuredClone(result);
    };
    const fault = this.takeFault(method, jobId);
    if (fault && !fault.applyFirst) return answer({ ok: false, error: fault.error });
    if (!fault && this.random.chance(this.options.failBefore ?? 0)) return answer({ ok: false, error: transient(method, 'HTTP_503', 503) });
    const result = this.perform(method, args, record);
    const command = key !== null;
    if (fault?.applyFirst) return answer({ ok: false, error: fault.error });
    if (command && !fault && this.random.chance(this.options.failAfter ?? 0)) return answer({ ok: false, error: transient(method, 'TIMEOUT') });
    return answer(result);
  }

  private takeFault(method: AtsMethod, jobId: string | null): ScriptedFault | undefined {
    const fault = this.faults.find((f) => f.method === method && (f.jobId === undefined || f.jobId === jobId) && f.times > 0);
    if (fault) fault.times -= 1;
    return fault;
  }

  private perform(method: AtsMethod, args: unknown[], record: CallRecord): AtsResult<unknown> {
    switch (method) {
      case 'getJob':
        return this.read(String(args[0]));
      case 'listChanged':
        return this.list(String(args[0]), Number(args[1]), Number(args[2]));
      case 'readQueue':
        return this.readQueueNow(String(args[0]));
      case 'ackQueue': {
        const index = this.queue.findIndex((e) => e.notification.id === args[1]);
        if (index >= 0) this.queue.splice(index, 1);
        return { ok: true, value: undefined };
      }
      case 'assignApprovalTeam':
        return this.change(String(args[0]), record, (job) => this.setApprovalTeam(job, String(args[1])));
      case 'startApproval':
        return this.change(String(args[0]), record, (job) => this.startProcess(job, args[1] as StartApprovalRequest, 'api-en3s'));
      case 'setPublicationLock':
        return this.change(String(args[0]), record, (job) => {
          const locked = Boolean(args[1]);
          if ((job.publicationLock?.locked ?? false) === locked) return { effect: false, type: 'job.updated' };
          job.publicationLock = { locked, reason: String(args[2]), since: this.nowIso() };
          return { effect: true, type: 'job.updated' };
        });
      case 'withdrawPosting':
        return this.change(String(args[0]), record, (job) => {
          const posting = job.postings.find((p) => p.id === args[1]);
          if (!posting) return { error: permanent('POSTING_NOT_FOUND', `posting ${String(args[1])} not found on job ${job.id}`, 404) };
          if (posting.status === 'WITHDRAWN' || posting.status === 'EXPIRED') return { effect: false, type: 'job.posting.withdrawn' };
          if (posting.status === 'DRAFT') return { error: permanent('POSTING_NOT_PUBLISHED', `posting ${posting.id} was never published`, 422) };
          posting.status = 'WITHDRAWN';
          posting.withdrawnAt = this.nowIso();
          return { effect: true, type: 'job.posting.withdrawn' };
        });
    }
  }

  /** PUT /jobs/{id}/teams/approval: sets the approval team; unchanged when it already is that team. */
  setApprovalTeam(job: JobDocument, name: string): Change {
    const members = this.teams[name];
    if (!members) return { error: permanent('UNKNOWN_TEAM', `approval team "${name}" is not known to the tenant`, 422) };
    const current = job.teams.filter((t) => t.role === 'approval');
    if (current.length === 1 && current[0]!.name === name) return { effect: false, type: 'job.updated' };
    job.teams = [...job.teams.filter((t) => t.role !== 'approval'), { role: 'approval', name, members: members.map((m) => ({ ...m })) }];
    return { effect: true, type: 'job.updated' };
  }

  /** POST /jobs/{id}/approval-process: 422 without an approval team, 409 once started or decided. */
  startProcess(job: JobDocument, request: StartApprovalRequest, by: string): Change {
    const team = job.teams.find((t) => t.role === 'approval' && t.name);
    if (!team) return { error: permanent('NO_APPROVAL_TEAM', `job ${job.id} has no approval team`, 422) };
    const process = job.approvalProcess;
    if (process && process.status !== 'NOT_STARTED' && process.status !== 'CANCELLED') {
      return { error: { kind: 'already-applied', code: 'ALREADY_STARTED', message: `POST /jobs/${job.id}/approval-process: 409 already started`, status: 409 } };
    }
    job.approvalProcess = {
      name: request.processName,
      version: (process?.version ?? 0) + 1,
      status: 'IN_PROGRESS',
      startedAt: this.nowIso(),
      startedBy: by,
      dueDate: request.dueDate,
      steps: [{ order: 1, team: team.name!, status: 'PENDING' }],
    };
    return { effect: true, type: 'job.approval.started' };
  }

  /** Applies `fn` to a copy of the job and commits it when it changed something. */
  change(jobId: string, record: CallRecord | null, fn: (job: JobDocument) => Change): AtsResult<JobDocument> {
    const current = this.jobs.get(jobId);
    if (!current) return { ok: false, error: permanent('NOT_FOUND', `job ${jobId} not found`, 404) };
    const draft = structuredClone(current);
    const outcome = fn(draft);
    if ('error' in outcome) return { ok: false, error: outcome.error };
    if (!outcome.effect) return { ok: true, value: current };
    const committed = this.commit(draft, outcome.type);
    if (record) Object.assign(record, { effect: true, version: committed.version });
    return { ok: true, value: committed };
  }

  /** Stores a new version of a job and queues its notification. */
  commit(job: JobDocument, type: NotificationType): JobDocument {
    const previous = this.jobs.get(job.id);
    job.version = previous ? previous.version + 1 : job.version;
    const stored = structuredClone(job);
    this.jobs.set(job.id, stored);
    this.history.set(job.id, [...(this.history.get(job.id) ?? []), structuredClone(stored)]);
    this.modifiedAt.set(job.id, this.now().getTime());
    const notification: Notification = { id: `ntf-${job.id}-v${job.version}`, type, occurredAt: this.nowIso(), job: structuredClone(stored) };
    this.pending.push(notification);
    if (this.options.queueName) this.queue.push({ notification, handedOutAt: null });
    return stored;
  }

  /** The notifications pushed since the last call, oldest first. */
  takeNotifications(): Notification[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  get undelivered(): number {
    return this.pending.length;
  }

  /** The current document (a copy), or undefined. */
  job(jobId: string): JobDocument | undefined {
    const job = this.jobs.get(jobId);
    return job && structuredClone(job);
  }

  jobIds(): string[] {
    return [...this.jobs.keys()];
  }

  /** Every version the job went through, oldest first. */
  versions(jobId: string): JobDocument[] {
    return structuredClone(this.history.get(jobId) ?? []);
  }

  /** Calls of one command kind (on one job) that changed the job, and those that changed nothing. */
  effects(kind: AtsCommandKind, jobId?: string): { applied: number; repeats: number } {
    const calls = this.calls.filter((c) => atsCommandKinds[c.method as keyof typeof atsCommandKinds] === kind && (jobId === undefined || c.jobId === jobId));
    const applied = calls.filter((c) => c.effect).length;
    return { applied, repeats: calls.length - applied };
  }

  /** How many calls had an effect, per idempotency key: more than 1 means a command applied twice. */
  effectsPerKey(): Map<string, number> {
    const out = new Map<string, number>();
    for (const c of this.calls) if (c.key !== null && c.effect) out.set(c.key, (out.get(c.key) ?? 0) + 1);
    return out;
  }

  nowIso(): string {
    return this.now().toISOString();
  }

  private read(jobId: string): AtsResult<JobDocument> {
    const job = this.jobs.get(jobId);
    return job ? { ok: true, value: job } : { ok: false, error: permanent('NOT_FOUND', `job ${jobId} not found`, 404) };
  }

  private list(sinceIso: string, page: number, pageSize: number): AtsResult<ChangedJobsPage> {
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 200) return { ok: false, error: permanent('INVALID_ARGUMENT', 'pageSize: 1 to 200', 400) };
    const since = Date.parse(sinceIso);
    const changed = [...this.modifiedAt.entries()].filter(([, at]) => at >= since).sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
    const items = changed.slice((page - 1) * pageSize, page * pageSize).map(([id]) => this.jobs.get(id)!);
    return { ok: true, value: { items, page, pageSize, total: changed.length } };
  }

  private readQueueNow(name: string): AtsResult<QueueElement | null> {
    if (name !== this.options.queueName) return { ok: false, error: permanent('NOT_FOUND', `queue ${name} not found`, 404) };
    const now = this.now().getTime();
    const element = this.queue.find((e) => e.handedOutAt === null || now - e.handedOutAt >= QUEUE_REDELIVERY_MS);
    if (!element) return { ok: true, value: null };
    element.handedOutAt = now;
    const body = Buffer.from(JSON.stringify(element.notification), 'utf8');
    return { ok: true, value: { notificationId: element.notification.id, contentType: 'application/json', body } };
  }
}

export function transient(method: AtsMethod, code: string, status?: number, retryAfterMs?: number): AtsError {
  return {
    kind: 'transient',
    code,
    message: `${method}: ${status ? `HTTP ${status}` : 'no answer (time-out)'}`,
    ...(status ? { status } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

export function permanent(code: string, message: string, status: number): AtsError {
  return { kind: 'permanent', code, message, status };
}
