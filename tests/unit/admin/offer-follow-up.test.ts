import { describe, expect, it } from 'vitest';
import { offerFollowUp, type Sticky } from '../../../src/admin/page-offer-parts.js';
import type { ProcessMemory } from '../../../src/domain/job-process.js';
import { recordFromMemory } from '../../../src/pipeline/offer-memory.js';
import type { OfferRecord } from '../../../src/store/offers.js';
import { drhApprover, JobStory, seeSnapshot, stepJob, testPolicy } from '../../support/job-snapshots.js';

/**
 * The "Suivi dans la campagne" of the offer page, from the process's memory as the `offers` row
 * keeps it: what the connector observed and when, an answer attributed to EN3S only when EN3S
 * was the only approver of the submission, and "EN3S non établi" when the snapshots cannot tell.
 */

const cpam8 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' };
const T = (day: string, time = '09:00:00') => `2027-${day}T${time}.000Z`;

function followUp(memory: ProcessMemory): string {
  const record = {
    ...recordFromMemory(memory),
    created_at: memory.stateSince,
    updated_at: memory.stateSince,
  } as OfferRecord;
  return offerFollowUp(record, record.timeline_data as Sticky).value;
}

function run(job: JobStory, ...steps: ((job: JobStory) => void)[]): ProcessMemory {
  let memory = seeSnapshot(null, job.snapshot).memory;
  for (const s of steps) {
    s(job);
    memory = seeSnapshot(memory, job.snapshot).memory;
  }
  return memory;
}

describe('offer follow-up', () => {
  it('an approval with EN3S the only approver is EN3S’s own, each step dated when it was observed', () => {
    const memory = run(
      new JobStory(cpam8, T('02-01')),
      (j) => j.addEn3s(T('02-01', '09:00:02')),
      (j) => j.submit(T('02-03')),
      (j) => j.approve(T('02-10')),
    );
    const html = followUp(memory);
    expect(html).toContain('<dt>État</dt><dd>Approuvée depuis le 10/02/2027 10:00</dd>');
    expect(html).toContain('posé par le connecteur, vu dans l’équipe le 01/02/2027 10:00');
    expect(html).toContain('<dt>Soumission observée</dt><dd>le 03/02/2027 10:00 : EN3S seul approbateur</dd>');
    expect(html).toContain(
      '<dt>Réponse observée</dt><dd>approuvée par l’EN3S (seul approbateur), le 10/02/2027 10:00</dd>',
    );
    expect(html).toContain('<dt>Recruteur sollicité</dt><dd>le 01/02/2027 10:00 : « Soumettre pour approbation »</dd>');
    expect(html).toContain('Aucun manquement constaté.');
    expect(html).not.toMatch(/verrouill|échéance|lancé/i);
  });

  it('an approval with another approver beside EN3S is only an approval observed', () => {
    const memory = run(
      new JobStory(cpam8, T('02-01'), { team: { recruiters: [], operationals: [], approvers: [drhApprover] } }),
      (j) => j.addEn3s(T('02-01', '09:00:02'), [drhApprover]),
      (j) => j.submit(T('02-03')),
      (j) => j.approve(T('02-10')),
    );
    const html = followUp(memory);
    expect(html).toContain('le 03/02/2027 10:00 : EN3S parmi d’autres approbateurs');
    expect(html).toContain(
      'approbation observée (l’EN3S n’était pas le seul approbateur : l’ATS ne dit pas qui a ' +
        'approuvé), le 10/02/2027 10:00',
    );
    expect(html).not.toContain('approuvée par l’EN3S');
  });

  it('EN3S added while the job was already pending: "EN3S non établi", and the recruiter asked to submit again', () => {
    const memory = run(
      new JobStory(cpam8, T('02-01'), { team: { recruiters: [], operationals: [], approvers: [drhApprover] } }),
      (j) => j.submit(T('02-01', '09:00:01')),
      (j) => j.addEn3s(T('02-02'), [drhApprover]),
    );
    const html = followUp(memory);
    expect(memory.state).toBe('awaiting_submission');
    expect(html).toContain(': EN3S non établi');
    expect(html).toContain(
      '<dt>Recruteur sollicité</dt><dd>le 02/02/2027 10:00 : soumettre de nouveau pour approbation',
    );
    expect(html).toContain('<dt>Réponse observée</dt><dd>aucune</dd>');
  });

  it('lists each breach with its posting, when it went out, when it was detected and when it was seen gone', () => {
    const job = new JobStory(cpam8, T('02-01'));
    let memory = seeSnapshot(null, job.snapshot).memory;
    memory = seeSnapshot(memory, job.post(T('02-02', '09:05:00'), '7001', T('02-02'), 'OPEN')).memory;
    memory = seeSnapshot(memory, job.takeDown(T('02-02', '10:00:00'))).memory;
    const html = followUp(memory);
    expect(html).toContain('<td>7001</td><td>02/02/2027 10:00</td><td>02/02/2027 10:05</td>');
    expect(html).toContain('<td>retrait demandé</td><td>02/02/2027 11:00</td>');
  });

  it('says when the window closed with no answer observed', () => {
    const job = new JobStory(cpam8, T('02-01'));
    const seen = seeSnapshot(null, job.addEn3s(T('02-01', '09:00:02'))).memory;
    const memory = stepJob(seen, { kind: 'tick', at: T('05-01', '00:00:00') }, testPolicy).memory;
    expect(followUp(memory)).toContain('<dt>Fin de période sans réponse</dt><dd>constatée le 01/05/2027 02:00</dd>');
  });
});
