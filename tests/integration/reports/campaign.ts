import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import { applyDocument } from '../../../src/pipeline/apply.js';
import { silentLogger, type PipelineContext } from '../../../src/pipeline/context.js';
import { Timekeeper } from '../../../src/pipeline/timekeeper.js';
import type { Store } from '../../../src/store/database.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { data, talentlink } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';
import { JobStory, policy } from '../../support/workflow.js';

/**
 * The campaign 2027 of the report tests, lived through the real pipeline: every step is a job
 * document applied by `applyDocument` at its instant, and the end of the window is the
 * timekeeper's tick, so the `offers` rows and the ledger are what the service would hold.
 *
 *   A  CPAM, RG 8          connector sets team and approval; EN3S "validé" 12/01; published 13/01
 *   B  CAF, RG 9           the recruiter set team and approval himself; EN3S "refusé" 20/01
 *   C  URSSAF, RG 7        published 08/01 before any answer, withdrawn 5 min later; "validé" 15/01
 *   D  CARSAT, RG 8        submitted 11/01, échéance 11/02, no answer: overdue on 01/03
 *   E  MSA, groupe L       submitted 18/01, échéance 15/03, no answer: released at the end of the window
 *   F  CPAM, RG, no level  undetermined, treated as concerned
 *   G  CGSS La Réunion     first seen 31/12/2026 20:30 UTC (already 01/01/2027 in Saint-Denis):
 *                          in the window there, not yet in Paris; released at its own window end
 *   H  CPAM, agent de direction: not concerned; its title starts with "=" (a formula for Excel)
 */

export const MARCH = '2027-03-01T07:00:00.000Z';
export const AFTER = '2027-05-03T07:00:00.000Z';
export const REUNION_END = '2027-04-30T20:00:00.000Z';
export const PARIS_END = '2027-04-30T22:00:00.000Z';

export type Letter = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';

export interface Campaign {
  ctx: PipelineContext;
  /** Job number (référence) of each offer. */
  ref: Record<Letter, string>;
  /** Phase two: the window closes (Réunion, then Paris). */
  closeWindow(): Promise<void>;
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
  const ctx: PipelineContext = { store, domain: data, mapping: talentlink, policy, clock: { now: () => clock }, log: silentLogger };
  let events = 0;
  const apply = async (doc: JobDocument, at: string) => {
    clock = new Date(at);
    await inTransaction(store, (trx) => applyDocument(ctx, trx, doc, { eventId: `report-test-${++events}`, type: 'job.updated', origin: 'webhook' }, new Date(at)));
  };
  const story = (spec: JobSpec) => new JobStory(spec);

  // G first: the earliest instant of the campaign.
  const G = story(rg('CGSS de La Réunion', '9', { creationDate: '2026-12-31T20:30:00Z', title: 'Directeur adjoint de la production' }));
  await apply(G.doc, '2026-12-31T20:30:00.000Z');
  await apply(G.addTeam(), '2027-01-02T06:00:00.000Z');
  G.startApproval('2027-01-02T07:00:00Z');
  G.doc.approvalProcess!.dueDate = '2027-03-20';
  await apply(G.doc, '2027-01-02T07:00:00.000Z');

  const A = story(rg('CPAM de la Gironde', '8', { creationDate: '2027-01-05T08:00:00Z', title: 'Responsable du service contentieux' }));
  await apply(A.doc, '2027-01-05T09:00:00.000Z');
  await apply(A.addTeam(), '2027-01-05T10:00:00.000Z');
  await apply(A.startApproval('2027-01-05T11:00:00Z'), '2027-01-05T11:00:00.000Z');
  await apply(A.decide('APPROVED', '2027-01-12T08:00:00Z'), '2027-01-12T08:00:00.000Z');
  await apply(A.publish('2027-01-13T09:00:00Z'), '2027-01-13T09:00:00.000Z');

  const B = story(rg('CAF du Nord', '9', { creationDate: '2027-01-06T08:00:00Z', title: 'Responsable "qualité" ; pôle\nNord' }));
  B.addTeam();
  B.startApproval('2027-01-06T09:30:00Z');
  await apply(B.doc, '2027-01-06T10:00:00.000Z');
  await apply(B.decide('REJECTED', '2027-01-20T15:00:00Z'), '2027-01-20T15:00:00.000Z');

  const C = story(rg('URSSAF Île-de-France', '7', { creationDate: '2027-01-07T08:00:00Z', title: 'Responsable du recouvrement' }));
  await apply(C.doc, '2027-01-07T09:00:00.000Z');
  await apply(C.addTeam(), '2027-01-07T10:00:00.000Z');
  await apply(C.startApproval('2027-01-07T11:00:00Z'), '2027-01-07T11:00:00.000Z');
  await apply(C.publish('2027-01-08T14:00:00Z'), '2027-01-08T14:00:00.000Z');
  await apply(C.withdraw('2027-01-08T14:05:00Z'), '2027-01-08T14:05:00.000Z');
  await apply(C.decide('APPROVED', '2027-01-15T10:00:00Z'), '2027-01-15T10:00:00.000Z');

  const D = story(rg('CARSAT Alsace-Moselle', '8', { creationDate: '2027-01-11T08:00:00Z', title: 'Responsable des ressources humaines' }));
  await apply(D.doc, '2027-01-11T09:00:00.000Z');
  await apply(D.addTeam(), '2027-01-11T10:00:00.000Z');
  await apply(D.startApproval('2027-01-11T11:00:00Z'), '2027-01-11T11:00:00.000Z');

  const E = story({ orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L', category: 'CADRE', creationDate: '2027-01-18T08:00:00Z', title: 'Chef de service' });
  await apply(E.doc, '2027-01-18T09:00:00.000Z');
  await apply(E.addTeam(), '2027-01-18T10:00:00.000Z');
  E.startApproval('2027-01-18T11:00:00Z');
  E.doc.approvalProcess!.dueDate = '2027-03-15';
  await apply(E.doc, '2027-01-18T11:00:00.000Z');

  const F = story(rg('CPAM du Rhône', undefined, { creationDate: '2027-02-01T08:00:00Z', title: 'Statisticien' }));
  await apply(F.doc, '2027-02-01T09:00:00.000Z');

  const H = story(rg('CPAM de Paris', '9', { category: 'AGENT_DE_DIRECTION', creationDate: '2027-02-02T08:00:00Z', title: '=HYPERLINK("http://example.invalid")' }));
  await apply(H.doc, '2027-02-02T09:00:00.000Z');

  const ref = Object.fromEntries(
    (Object.entries({ A, B, C, D, E, F, G, H }) as [Letter, JobStory][]).map(([letter, s]) => [letter, s.doc.jobNumber]),
  ) as Record<Letter, string>;

  return {
    ctx,
    ref,
    async closeWindow() {
      const keeper = new Timekeeper(ctx);
      for (const at of [REUNION_END, PARIS_END]) {
        clock = new Date(at);
        await keeper.tickOpenOffers(new Date(at));
      }
    },
  };
}
