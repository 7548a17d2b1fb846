import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { applySnapshot, applyToKnownOffer } from '../../../src/pipeline/apply.js';
import { silentLogger } from '../../../src/logger.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { Projector } from '../../../src/pipeline/projector.js';
import { Timekeeper } from '../../../src/pipeline/timekeeper.js';
import type { Store } from '../../../src/store/database.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { data } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';
import { drhApprover, JobStory, testPolicy, unreachableAts } from '../../support/job-snapshots.js';

/**
 * The campaign 2027 of the report tests, lived through the real pipeline: every step is a
 * snapshot of the job as the connector reads it in the ATS, applied by `applySnapshot` at its
 * instant, and the end of the window is the timekeeper's tick, so the `offers` rows and the
 * ledger are what the service would hold. The connector's own calls are not made here: where it
 * sets the EN3S approver, the next snapshot shows it (so the approver is "posé par le connecteur").
 *
 * A  CPAM, RG 8          approver set by the connector 05/01, submitted 05/01, approved (EN3S alone) 12/01; posted
 * 13/01
 * B  CAF, RG 9           the recruiter set EN3S and submitted before the first read (06/01); refused (EN3S alone) 20/01
 * C  URSSAF, RG 7        approver set 07/01; posted 08/01 14:00 before any submission, gone 14:05; submitted 08/01,
 * approved 15/01
 *   D  CARSAT, RG 8        approver set and submitted 11/01; no answer: released at the end of the window
 * E  MSA, groupe L       approver set 18/01, never submitted: the recruiter is asked; released at the end of the window
 *   F  CPAM, RG, no level  undetermined, treated as concerned: the approver is still to be set
 *   G  CGSS La Réunion     first seen 31/12/2026 20:30 UTC (already 01/01/2027 in Saint-Denis):
 *                          in the window there, not yet in Paris; submitted 02/01; released at its own window end
 *   H  CPAM, agent de direction: not concerned; its title starts with "=" (a formula for Excel)
 * I  URSSAF, RG 8        EN3S and the DRH approvers (recruiter), submitted 19/01, approved 26/01: not EN3S's own answer
 *   J  UGECAM, RG 9        EN3S and the DRH approvers, submitted, « Refusée » seen 25/01: who refused is not known
 */

export const MARCH = '2027-03-01T07:00:00.000Z';
export const AFTER = '2027-05-03T07:00:00.000Z';
export const REUNION_END = '2027-04-30T20:00:00.000Z';
export const PARIS_END = '2027-04-30T22:00:00.000Z';

export type Letter = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J';

export interface Campaign {
  ctx: PipelineContext;
  /** Job number (référence) of each offer. */
  ref: Record<Letter, string>;
  /** Phase two: the window closes (Réunion, then Paris). */
  closeWindow(): Promise<void>;
  /** An administrator forces the scope of an offer at an instant, as the dashboard's « périmètre » action does. */
  forceScope(letter: Letter, concerned: boolean, at: string, by: string, reason: string): Promise<void>;
}

const rg = (orgName: string, level?: string, extra: Partial<JobSpec> = {}): JobSpec => ({
  orgName,
  grid: 'RG',
  ...(level ? { level } : {}),
  category: 'CADRE',
  agreement: 'CCNT_RG',
  ...extra,
});

export async function buildCampaign(store: Store): Promise<Campaign> {
  let clock = new Date(MARCH);
  const ctx: PipelineContext = {
    store,
    domain: data,
    policy: testPolicy,
    clock: { now: () => clock },
    log: silentLogger,
    ats: unreachableAts,
  };
  let events = 0;
  /** The snapshot as read at its own instant. */
  const see = async (snapshot: JobSnapshot) => {
    const at = new Date(snapshot.fetchedAt);
    clock = at;
    await inTransaction(store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot, posting: null, origin: 'queue' },
        { eventId: `report-test-${++events}`, type: 'job.snapshot' },
        at,
      ),
    );
  };
  const story = (spec: JobSpec, at: string) => new JobStory(spec, at);

  // G first: the earliest instant of the campaign.
  const G = story(
    rg('CGSS de La Réunion', '9', {
      creationDate: '2026-12-31T20:30:00Z',
      title: 'Directeur adjoint de la production',
    }),
    '2026-12-31T20:30:00.000Z',
  );
  await see(G.snapshot);
  await see(G.addEn3s('2027-01-02T06:00:00.000Z'));
  await see(G.submit('2027-01-02T07:00:00.000Z'));

  const A = story(
    rg('CPAM de la Gironde', '8', {
      creationDate: '2027-01-05T08:00:00Z',
      title: 'Responsable du service contentieux',
    }),
    '2027-01-05T09:00:00.000Z',
  );
  await see(A.snapshot);
  await see(A.addEn3s('2027-01-05T10:00:00.000Z'));
  await see(A.submit('2027-01-05T11:00:00.000Z'));
  await see(A.approve('2027-01-12T08:00:00.000Z'));
  await see(A.post('2027-01-13T09:00:00.000Z', '7001'));

  const B = story(
    rg('CAF du Nord', '9', { creationDate: '2027-01-06T08:00:00Z', title: 'Responsable "qualité" ; pôle\nNord' }),
    '2027-01-06T09:00:00.000Z',
  );
  B.addEn3s('2027-01-06T09:00:00.000Z');
  await see(B.submit('2027-01-06T10:00:00.000Z'));
  await see(B.refuse('2027-01-20T15:00:00.000Z'));

  const C = story(
    rg('URSSAF Île-de-France', '7', { creationDate: '2027-01-07T08:00:00Z', title: 'Responsable du recouvrement' }),
    '2027-01-07T09:00:00.000Z',
  );
  await see(C.snapshot);
  await see(C.addEn3s('2027-01-07T10:00:00.000Z'));
  await see(C.post('2027-01-08T14:00:00.000Z', '7301', '2027-01-08T14:00:00.000Z', 'OPEN'));
  await see(C.takeDown('2027-01-08T14:05:00.000Z', '7301'));
  await see(C.submit('2027-01-08T15:00:00.000Z'));
  await see(C.approve('2027-01-15T10:00:00.000Z'));

  const D = story(
    rg('CARSAT Alsace-Moselle', '8', {
      creationDate: '2027-01-11T08:00:00Z',
      title: 'Responsable des ressources humaines',
    }),
    '2027-01-11T09:00:00.000Z',
  );
  await see(D.snapshot);
  await see(D.addEn3s('2027-01-11T10:00:00.000Z'));
  await see(D.submit('2027-01-11T11:00:00.000Z'));

  const E = story(
    {
      orgName: 'MSA Midi-Pyrénées Nord',
      grid: 'MSA',
      level: 'L',
      category: 'CADRE',
      creationDate: '2027-01-18T08:00:00Z',
      title: 'Chef de service',
    },
    '2027-01-18T09:00:00.000Z',
  );
  await see(E.snapshot);
  await see(E.addEn3s('2027-01-18T10:00:00.000Z'));

  const I = story(
    rg('URSSAF Bretagne', '8', { creationDate: '2027-01-19T08:00:00Z', title: 'Responsable du contrôle' }),
    '2027-01-19T09:00:00.000Z',
  );
  await see(I.addEn3s('2027-01-19T09:00:00.000Z', [drhApprover]));
  await see(I.submit('2027-01-19T10:00:00.000Z'));
  await see(I.approve('2027-01-26T10:00:00.000Z'));

  const J = story(
    rg('UGECAM Bretagne Pays de la Loire', '9', { creationDate: '2027-01-21T08:00:00Z', title: 'Directeur des soins' }),
    '2027-01-21T08:00:00.000Z',
  );
  J.addEn3s('2027-01-21T08:00:00.000Z', [drhApprover]);
  await see(J.submit('2027-01-21T09:00:00.000Z'));
  await see(J.refuse('2027-01-25T09:00:00.000Z'));

  const F = story(
    rg('CPAM du Rhône', undefined, { creationDate: '2027-02-01T08:00:00Z', title: 'Statisticien' }),
    '2027-02-01T09:00:00.000Z',
  );
  await see(F.snapshot);

  const H = story(
    rg('CPAM de Paris', '9', {
      category: 'AGENT_DE_DIRECTION',
      creationDate: '2027-02-02T08:00:00Z',
      title: '=HYPERLINK("http://example.invalid")',
    }),
    '2027-02-02T09:00:00.000Z',
  );
  await see(H.snapshot);

  const ref = Object.fromEntries(
    (Object.entries({ A, B, C, D, E, F, G, H, I, J }) as [Letter, JobStory][]).map(([letter, s]) => [
      letter,
      s.jobNumber,
    ]),
  ) as Record<Letter, string>;

  // The report's projection, as the service's projector writes it after the events.
  const projector = new Projector(ctx);
  await projector.catchUp();
  return {
    ctx,
    ref,
    async closeWindow() {
      const keeper = new Timekeeper(ctx);
      for (const at of [REUNION_END, PARIS_END]) {
        clock = new Date(at);
        await keeper.tickOpenOffers(new Date(at));
      }
      await projector.catchUp();
    },
    async forceScope(letter, concerned, at, by, reason) {
      const key = await store.db
        .selectFrom('offers')
        .select(['source', 'ats_id', 'campaign'])
        .where('job_number', '=', ref[letter])
        .executeTakeFirstOrThrow();
      clock = new Date(at);
      await inTransaction(store, (trx) =>
        applyToKnownOffer(ctx, trx, key, { kind: 'override', at, concerned, by, reason }, new Date(at)),
      );
      await projector.catchUp();
    },
  };
}
