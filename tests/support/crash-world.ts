import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import type { Store } from '../../src/store/database.js';
import { insertEvent } from '../../src/store/inbox.js';
import { inTransaction } from '../../src/store/transaction.js';
import { jobDocument, type JobSpec } from './job-documents.js';
import { AtsActors } from './memory-ats-actors.js';
import type { MemoryAts } from './memory-ats.js';
import { notificationEvent } from './pipeline-harness.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * The people around the ATS during a crash test: recruiters create jobs and act on them, EN3S
 * answers once an approval is under way, and the ATS's webhook delivers every notification late,
 * out of order and sometimes twice. Each job follows a profile (a plan of steps); a step waits
 * until the ATS is in the state it needs (EN3S answers an approval the connector started).
 */

type Step = 'publish' | 'publish-force' | 'team' | 'start' | 'approve' | 'refuse' | 'publish-after' | 'edit' | 'close';

export interface Profile {
  name: string;
  weight: number;
  spec: JobSpec;
  steps: Step[];
  /** The state the offer must end in. */
  expected: string;
}

const cpam: JobSpec = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };
const carsat: JobSpec = { orgCode: 'CARSAT-ALSACE-MOSELLE', orgName: 'CARSAT Alsace-Moselle', grid: 'RG', level: '8' };
const urssaf: JobSpec = { orgName: "URSSAF d'Île-de-France", grid: 'RG', level: '9' };

export const profiles: Profile[] = [
  { name: 'validé', weight: 26, spec: cpam, steps: ['approve', 'publish-after'], expected: 'approved' },
  { name: 'refusé', weight: 12, spec: carsat, steps: ['refuse', 'publish'], expected: 'refused' },
  { name: 'refusé puis publiée quand même', weight: 5, spec: urssaf, steps: ['refuse', 'publish-force'], expected: 'refused' },
  { name: 'publiée trop tôt', weight: 10, spec: cpam, steps: ['publish', 'approve'], expected: 'approved' },
  { name: 'en attente', weight: 10, spec: carsat, steps: ['edit'], expected: 'approval_started' },
  { name: 'soumise à la main', weight: 10, spec: urssaf, steps: ['team', 'start', 'approve'], expected: 'approved' },
  { name: 'hors champ', weight: 12, spec: { orgName: 'CAF du Nord', grid: 'RG', level: '5A' }, steps: ['publish', 'edit'], expected: 'not_concerned' },
  { name: 'agent de direction', weight: 5, spec: { orgName: 'CPAM des Bouches-du-Rhône', grid: 'RG', level: '9', category: 'AGENT_DE_DIRECTION' }, steps: ['publish'], expected: 'not_concerned' },
  { name: 'organisme inconnu', weight: 5, spec: { orgName: 'Mutuelle des Lilas', grid: 'RG', level: '8' }, steps: ['approve'], expected: 'approved' },
  { name: 'clôturée', weight: 5, spec: cpam, steps: ['close'], expected: 'closed' },
];

export interface WorldJob {
  id: string;
  profile: Profile;
  next: number;
}

export interface WorldOptions {
  offers: number;
  /** Jobs created per tick, until all are. */
  createPerTick: number;
  /** Chance that a job whose next step can be taken takes it at a tick. */
  actChance: number;
  /** Chance that a notification is held back for a few ticks, and that it is delivered twice. */
  holdChance: number;
  duplicateChance: number;
}

export class CrashWorld {
  readonly jobs: WorldJob[] = [];
  private readonly actors: AtsActors;
  private held: { tick: number; event: ReturnType<typeof notificationEvent> }[] = [];
  private tickCount = 0;
  delivered = 0;
  duplicates = 0;

  constructor(
    private readonly ats: MemoryAts,
    private readonly random: SeededRandom,
    private readonly options: WorldOptions,
  ) {
    this.actors = new AtsActors(ats);
  }

  /** One moment of the world: create jobs, take the steps that can be taken, deliver notifications. */
  async tick(store: Store): Promise<void> {
    this.tickCount += 1;
    for (let i = 0; i < this.options.createPerTick && this.jobs.length < this.options.offers; i++) this.create();
    for (const job of this.jobs) {
      if (job.next < job.profile.steps.length && this.random.chance(this.options.actChance)) this.act(job);
    }
    await this.deliver(store);
  }

  get done(): boolean {
    return this.jobs.length === this.options.offers && this.jobs.every((j) => j.next >= j.profile.steps.length) && this.held.length === 0 && this.ats.undelivered === 0;
  }

  /** Jobs whose plan is not finished, with the step they wait for (for a test that times out). */
  waiting(): string[] {
    return this.jobs.filter((j) => j.next < j.profile.steps.length).map((j) => `${j.id} (${j.profile.name}) waits to ${j.profile.steps[j.next]}: ${JSON.stringify(brief(this.ats.job(j.id)!))}`);
  }

  private create(): void {
    const total = profiles.reduce((sum, p) => sum + p.weight, 0);
    let draw = this.random.next() * total;
    const profile = profiles.find((p) => (draw -= p.weight) < 0) ?? profiles[0]!;
    const doc = this.actors.createJob({ ...jobDocument(profile.spec), id: `job-${this.jobs.length + 1}` });
    this.jobs.push({ id: doc.id, profile, next: 0 });
  }

  private act(job: WorldJob): void {
    const doc = this.ats.job(job.id)!;
    const step = job.profile.steps[job.next]!;
    const process = doc.approvalProcess?.status;
    const ready: Record<Step, boolean> = {
      publish: true,
      'publish-force': true,
      team: true,
      edit: true,
      close: true,
      start: doc.teams.some((t) => t.role === 'approval'),
      approve: process === 'IN_PROGRESS',
      refuse: process === 'IN_PROGRESS',
      'publish-after': process === 'APPROVED' && !doc.publicationLock?.locked,
    };
    if (!ready[step]) return;
    switch (step) {
      case 'publish':
      case 'publish-after':
        // Refused while locked: the recruiter tried, the ATS said no. That is the step done.
        this.actors.publish(job.id);
        break;
      case 'publish-force':
        this.actors.publish(job.id, { postingId: 'p-2', force: true });
        break;
      case 'team':
        this.actors.addTeam(job.id);
        break;
      case 'start':
        this.actors.startApproval(job.id);
        break;
      case 'approve':
        this.actors.validate(job.id);
        break;
      case 'refuse':
        this.actors.refuse(job.id);
        break;
      case 'edit':
        this.actors.edit(job.id, (d) => void (d.openingName = `${d.openingName} (modifiée)`));
        break;
      case 'close':
        this.actors.close(job.id);
        break;
    }
    job.next += 1;
  }

  /** The webhook: notifications late, shuffled, some twice (the same id: the inbox refuses the copy). */
  private async deliver(store: Store): Promise<void> {
    const receivedAt = this.ats.nowIso();
    const fresh = this.ats.takeNotifications().map((n) => notificationEvent(n, receivedAt));
    const due = this.held.filter((h) => h.tick <= this.tickCount).map((h) => h.event);
    this.held = this.held.filter((h) => h.tick > this.tickCount);
    const now: typeof fresh = [...due];
    for (const event of fresh) {
      if (this.random.chance(this.options.holdChance)) this.held.push({ tick: this.tickCount + this.random.int(1, 6), event });
      else now.push(event);
      if (this.random.chance(this.options.duplicateChance)) this.held.push({ tick: this.tickCount + this.random.int(1, 10), event: { ...event, received_at: receivedAt } });
    }
    if (now.length === 0) return;
    let outcomes: string[];
    try {
      outcomes = await inTransaction(store, async (trx) => {
        const out: string[] = [];
        for (const event of this.random.shuffle(now)) out.push(await insertEvent(trx, event));
        return out;
      });
    } catch (error) {
      // SQLite busy (the runner sets no busy wait here, so this process never blocks while a
      // pipeline process writes): the webhook answers 503 and the ATS delivers again later.
      if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
      for (const event of now) this.held.push({ tick: this.tickCount + 1, event });
      return;
    }
    this.delivered += outcomes.filter((o) => o === 'inserted').length;
    this.duplicates += outcomes.filter((o) => o === 'duplicate').length;
  }
}

function brief(doc: JobDocument) {
  return {
    v: doc.version,
    team: doc.teams.some((t) => t.role === 'approval'),
    approval: doc.approvalProcess?.status ?? null,
    locked: doc.publicationLock?.locked ?? false,
    postings: doc.postings.map((p) => p.status),
    status: doc.status,
  };
}
