import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describedKinds, describeEntry, familyOf } from '../../../src/admin/timeline.js';
import type { ProcessFact, ProcessMemory, ProcessResult } from '../../../src/domain/job-process.js';
import { packageRoot } from '../../../src/paths.js';
import { drhApprover, JobStory, seeSnapshot, stepJob, testPolicy } from '../../support/job-snapshots.js';

/**
 * The timeline's one table of wordings: every kind of ledger entry the process, the dispatcher,
 * the pipeline and the actions write has a French wording, built from the entry's own data, and
 * the wordings say what was observed (never a lock, a process started by the connector, or an
 * EN3S decision where only a status was seen).
 */

const cpam8 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' };
const T = (day: string, time = '09:00:00') => `2027-${day}T${time}.000Z`;

/** Runs snapshots through the process, keeping every fact it emits. */
class Run {
  memory: ProcessMemory | null = null;
  readonly facts: ProcessFact[] = [];
  push(result: ProcessResult): ProcessResult {
    this.memory = result.memory;
    this.facts.push(...result.facts);
    return result;
  }
}

function factsOfRealStories(): ProcessFact[] {
  const out: ProcessFact[] = [];
  // EN3S set by the connector, asked, submitted with EN3S alone, approved; a late duplicate and a stale read.
  const a = new Run();
  const job = new JobStory(cpam8, T('02-01'));
  const first = job.snapshot;
  a.push(seeSnapshot(null, first));
  a.push(seeSnapshot(a.memory, job.addEn3s(T('02-01', '09:00:02'))));
  a.push(seeSnapshot(a.memory, job.submit(T('02-03'))));
  const approved = job.approve(T('02-10'));
  a.push(seeSnapshot(a.memory, approved));
  a.push(seeSnapshot(a.memory, approved));
  a.push(seeSnapshot(a.memory, first));
  out.push(...a.facts);
  // A posting out before any answer, then gone; the window closes with no answer.
  const b = new Run();
  const posted = new JobStory({ ...cpam8, id: 'job-b' }, T('02-01'));
  b.push(seeSnapshot(null, posted.snapshot));
  b.push(seeSnapshot(b.memory, posted.addEn3s(T('02-01', '09:00:02'))));
  b.push(seeSnapshot(b.memory, posted.post(T('02-02'), '7001', T('02-02'), 'OPEN')));
  b.push(seeSnapshot(b.memory, posted.takeDown(T('02-02', '10:00:00'))));
  b.push(
    stepJob(b.memory, { kind: 'tick', at: T('05-01', '00:00:00') }, { ...testPolicy, removeApproverAtWindowEnd: true }),
  );
  out.push(...b.facts);
  // Submitted without EN3S, EN3S added while pending (cannot tell), approved with the DRH: not EN3S's own.
  const c = new Run();
  const shared = new JobStory({ ...cpam8, id: 'job-c' }, T('02-01'), {
    team: { recruiters: [], operationals: [], approvers: [drhApprover] },
  });
  c.push(seeSnapshot(null, shared.snapshot));
  c.push(seeSnapshot(c.memory, shared.submit(T('02-02'))));
  c.push(seeSnapshot(c.memory, shared.addEn3s(T('02-03'), [drhApprover])));
  c.push(seeSnapshot(c.memory, shared.approve(T('02-04'))));
  // An administrator takes it out of the scope: the process is left.
  c.push(
    stepJob(c.memory, { kind: 'override', at: T('02-05'), concerned: false, by: 'alice', reason: 'poste de niveau 6' }),
  );
  out.push(...c.facts);
  return out;
}

/** Ledger kinds written by the code: `fact('…'` of the process, `kind: 'a.b'` of the pipeline and the actions. */
function kindsInSource(): Set<string> {
  const root = packageRoot();
  // The process's facts, and every file that appends to the ledger, wherever it is.
  const writers = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.startsWith(`store`))
    .map((f) => join(root, 'src', f))
    .filter((f) => readFileSync(f, 'utf8').includes('appendLedger('));
  expect(writers.length).toBeGreaterThanOrEqual(7);
  const files = [
    ...['job-process.ts', 'job-process-observations.ts'].map((f) => join(root, 'src', 'domain', f)),
    ...writers,
  ];
  const kinds = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/fact\('([a-z_.]+)'/g)) kinds.add(m[1]!);
    for (const m of source.matchAll(/kind: '([a-z_]+\.[a-z_.]+)'/g)) kinds.add(m[1]!);
    for (const m of source.matchAll(/kind: ('[a-z_.]+'(?: \| '[a-z_.]+')+)/g))
      for (const k of m[1]!.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) kinds.add(k[1]!);
    for (const m of source.matchAll(/: ('[a-z_.]+'(?: \| '[a-z_.]+')+) =/g))
      for (const k of m[1]!.matchAll(/'([a-z_]+\.[a-z_.]+)'/g)) kinds.add(k[1]!);
  }
  return kinds;
}

const claims = /verrouill|déverrouill|processus d’approbation lancé|échéance|validé par l’EN3S|undefined|\[object/i;

describe('timeline wordings', () => {
  it('has one for every kind of ledger entry the code writes', () => {
    const kinds = kindsInSource();
    for (const expected of [
      'approver.observed',
      'submission.observed',
      'answer.observed',
      'violation.detected',
      'posting.gone',
      'recruiter.asked',
      'state.changed',
      'event.received',
      'event.stale',
      'event.duplicate',
      'transition.unexpected',
      'process.left',
      'admin.override',
      'decision',
      'command.requested',
      'ats.answer',
      'command.skipped',
      'command.dead',
    ]) {
      expect(kinds, expected).toContain(expected);
    }
    expect([...kinds].filter((k) => !describedKinds.includes(k))).toEqual([]);
    expect([...kinds].filter((k) => familyOf(k, {}) === null)).toEqual([]);
    expect(kinds).toContain('admin.review_checked');
  });

  it('words every fact the process emits on real stories from its data, claiming nothing it did not observe', () => {
    const facts = factsOfRealStories();
    const emitted = new Set(facts.map((f) => f.kind));
    for (const kind of [
      'decision',
      'state.changed',
      'command.requested',
      'approver.observed',
      'recruiter.asked',
      'submission.observed',
      'answer.observed',
      'event.duplicate',
      'event.stale',
      'violation.detected',
      'posting.gone',
      'admin.override',
      'process.left',
    ]) {
      expect(emitted, kind).toContain(kind);
    }
    for (const fact of facts) {
      const text = describeEntry(fact.kind, fact.data);
      expect(describedKinds, fact.kind).toContain(fact.kind);
      expect(text, `${fact.kind}: ${text}`).not.toMatch(claims);
    }
    const texts = facts.map((f) => describeEntry(f.kind, f.data));
    expect(texts).toContain('Soumission pour approbation observée (EN3S seul approbateur)');
    expect(texts).toContain('Réponse observée : approuvée par l’EN3S (seul approbateur), statut « Approuvée »');
    expect(texts).toContain('Soumission pour approbation observée (EN3S absente des approbateurs)');
    expect(texts).toContain('Soumission pour approbation observée (EN3S non établi)');
    expect(texts.filter((t) => t.startsWith('Réponse observée'))).toHaveLength(1);
    expect(texts).toContain(
      'Annonce 7001 en ligne sans l’approbation de l’EN3S (publiée le 02/02/2027 10:00) : retrait demandé',
    );
    expect(texts).toContain('Annonce 7001 plus en ligne (constaté à la relecture des annonces)');
    expect(texts).toContain('Commande demandée : Retirer l’approbateur EN3S de l’équipe (fin de période)');
    expect(texts).toContain('État : En attente de soumission → Période close sans réponse');
    expect(texts).toContain(
      'Lecture plus ancienne (offre modifiée le 01/02/2027 10:00) que celle déjà traitée ' +
        '(modifiée le 10/02/2027 10:00) : ignorée',
    );
    expect(texts).toContain('Sortie du processus EN3S : offre désormais non concernée');
  });

  const cases: [string, Record<string, unknown>, string][] = [
    [
      'event.received',
      { origin: 'queue', updatedAt: '2027-02-01T09:00:00.000Z', atsStatus: 'Brouillon' },
      'Offre lue dans l’ATS (file d’attente) : modifiée le 01/02/2027 10:00, statut « Brouillon »',
    ],
    [
      'event.received',
      { origin: 'listing', updatedAt: '2027-02-01T09:00:00.000Z', atsStatus: 'Ouverte' },
      'Offre lue dans l’ATS (listage des changements) : modifiée le 01/02/2027 10:00, statut « Ouverte »',
    ],
    [
      'event.received',
      { origin: 'read-back', updatedAt: '2027-02-01T09:00:00.000Z', atsStatus: 'Ouverte' },
      'Offre lue dans l’ATS (relecture après une commande) : modifiée le 01/02/2027 10:00, statut « Ouverte »',
    ],
    [
      'event.duplicate',
      { updatedAt: '2027-02-01T09:00:00.000Z' },
      'Lecture déjà traitée (offre modifiée le 01/02/2027 10:00) : rien ne change',
    ],
    ['event.rejected', { error: 'document illisible' }, 'Lecture refusée : document illisible'],
    ['approver.observed', { by: 'recruiter' }, 'Approbateur EN3S vu dans l’équipe de l’offre, posé par le recruteur'],
    [
      'approver.observed',
      { by: 'connector' },
      'Approbateur EN3S posé : vu dans l’équipe de l’offre après la demande du connecteur',
    ],
    [
      'submission.observed',
      { en3sIncluded: true, en3sOnly: false, basis: 'seen_pending' },
      'Soumission pour approbation observée (EN3S parmi d’autres approbateurs)',
    ],
    [
      'submission.observed',
      { en3sIncluded: true, en3sOnly: true, basis: 'pending_not_seen' },
      'Soumission pour approbation observée (EN3S seul approbateur) — statut « en attente ' +
        'd’approbation » jamais lu : soumission déduite du statut suivant',
    ],
    [
      'answer.observed',
      { status: 'APPROVED', byEn3s: false, atsStatus: 'Approuvée' },
      'Réponse observée : approbation observée (l’EN3S n’était pas le seul approbateur : l’ATS ' +
        'ne dit pas qui a approuvé), statut « Approuvée »',
    ],
    [
      'answer.observed',
      { status: 'REFUSED', byEn3s: true, atsStatus: 'Refusée' },
      'Réponse observée : refusée par l’EN3S (seul approbateur), statut « Refusée »',
    ],
    ['recruiter.asked', { reason: 'submit', turn: 0 }, 'Recruteur à solliciter : « Soumettre pour approbation »'],
    [
      'recruiter.asked',
      { reason: 'resubmit', turn: 1 },
      'Recruteur à solliciter : soumettre de nouveau pour approbation (la soumission observée ' +
        'n’avait pas l’EN3S établie parmi ses approbateurs)',
    ],
    [
      'violation.detected',
      { postingId: '7002', postedAt: null, action: 'report' },
      'Annonce 7002 en ligne sans l’approbation de l’EN3S (publiée le —) : signalée (mode observation)',
    ],
    [
      'transition.unexpected',
      { from: 'not_concerned', to: 'refused' },
      "Passage inattendu de « Non concernée » à « Refusée par l'EN3S » : suivi tel qu’observé",
    ],
    [
      'ats.answer',
      { command: 'set_approver', outcome: 'done', note: 'applied', attempt: 1 },
      'L’ATS a accepté : Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre (essai 1)',
    ],
    [
      'ats.answer',
      { command: 'take_down', outcome: 'done', note: 'already applied (NOT_FOUND)', attempt: 2 },
      'L’ATS a accepté : Retirer les annonces publiées sans l’approbation de l’EN3S (déjà fait) (essai 2)',
    ],
    [
      'ats.answer',
      { command: 'take_down', outcome: 'done', note: 'already applied: no posting still live', attempt: 3 },
      'L’ATS a accepté : Retirer les annonces publiées sans l’approbation de l’EN3S (déjà fait) (essai 3)',
    ],
    [
      'ats.answer',
      { command: 'take_down', outcome: 'done', note: 'applied to 1 of 3, the others already down', attempt: 2 },
      'L’ATS a accepté : Retirer les annonces publiées sans l’approbation de l’EN3S (faite pour ' +
        '1 sur 3 ; les autres déjà faites) (essai 2)',
    ],
    [
      'ats.answer',
      {
        command: 'ask_recruiter',
        outcome: 'done',
        note: 'submit_request sent (smtp)',
        attempt: 1,
        recipientIds: ['501'],
      },
      'E-mail envoyé au recruteur (utilisateur 501) : Demander par e-mail au recruteur de « ' +
        'Soumettre pour approbation » (essai 1)',
    ],
    [
      'ats.answer',
      { command: 'ask_recruiter', outcome: 'done', note: 'already sent', attempt: 2, recipientIds: ['501'] },
      'E-mail au recruteur déjà envoyé (déjà fait), rien de plus envoyé (essai 2)',
    ],
    [
      'ats.answer',
      { command: 'ask_recruiter', outcome: 'done', note: 'window closed: not sent', attempt: 1, recipientIds: [] },
      'E-mail au recruteur non envoyé : période EN3S close (essai 1)',
    ],
    [
      'ats.answer',
      { command: 'notify_admins', outcome: 'done', note: 'notified', attempt: 1 },
      'Alerte levée par le connecteur pour les administrateurs (rien n’est envoyé à l’ATS) (essai 1)',
    ],
    [
      'ats.answer',
      { command: 'set_approver', outcome: 'done', note: 'applied' },
      'L’ATS a accepté : Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre',
    ],
    [
      'command.requested',
      { kind: 'set_approver', idempotencyKey: 'k' },
      'Commande demandée : Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre',
    ],
    [
      'command.requested',
      { kind: 'take_down', idempotencyKey: 'k', again: true },
      'Commande demandée de nouveau (elle avait été abandonnée sans envoi) : Retirer les ' +
        'annonces publiées sans l’approbation de l’EN3S',
    ],
    [
      'command.requested',
      { kind: 'notify_admins', idempotencyKey: 'k' },
      'Alerte aux administrateurs demandée (tableau de bord et journal du service)',
    ],
    [
      'ats.answer',
      { command: 'read_postings', outcome: 'done', note: 'read', attempt: 1 },
      'Annonces relues dans l’ATS (essai 1)',
    ],
    [
      'ats.answer',
      {
        command: 'set_approver',
        outcome: 'retry',
        error: 'HTTP_503 (HTTP 503): busy',
        nextAttemptAt: '2027-02-01T09:01:00.000Z',
        attempt: 1,
      },
      'Échec de « Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre » (essai 1, ' +
        'l’ATS a échoué (HTTP 503), à réessayer — HTTP_503 (HTTP 503)) : nouvel essai le 01/02/2027 10:01',
    ],
    [
      'ats.answer',
      {
        command: 'take_down',
        outcome: 'retry',
        error: 'TIMEOUT: no answer',
        nextAttemptAt: '2027-02-01T09:01:00.000Z',
        outage: true,
      },
      'L’ATS, injoignable, n’a pas répondu à « Retirer les annonces publiées sans l’approbation ' +
        'de l’EN3S » (l’ATS n’a pas répondu à temps — TIMEOUT) : essai non décompté, nouvel essai ' +
        'le 01/02/2027 10:01',
    ],
    [
      'command.skipped',
      { command: 'set_approver', idempotencyKey: 'k' },
      'Commande abandonnée : plus demandée — Poser l’approbateur « EN3S dérogation » dans ' +
        'l’équipe de l’offre (rien n’a été envoyé)',
    ],
    [
      'command.dead',
      { command: 'set_approver', error: 'INVALID_TEAM (HTTP 400): bad user', attempts: 8 },
      'Commande abandonnée après 8 essais : Poser l’approbateur « EN3S dérogation » dans ' +
        'l’équipe de l’offre (refusée par l’ATS (HTTP 400) — INVALID_TEAM (HTTP 400))',
    ],
    [
      'admin.retry',
      { commandId: 42, command: 'take_down', reason: 'ATS revenu' },
      'Commande n° 42 (Retirer les annonces publiées sans l’approbation de l’EN3S) remise en file — motif : ATS revenu',
    ],
    ['admin.reevaluate', { reason: 'texte publié' }, 'Nouvelle évaluation demandée — motif : texte publié'],
    ['admin.reconcile', { reason: 'alerte perdue' }, 'Réconciliation avec l’ATS demandée — motif : alerte perdue'],
    [
      'admin.override',
      { concerned: null, reason: 'retour aux textes' },
      'Forçage du périmètre retiré — motif : retour aux textes',
    ],
    [
      'window.opened',
      { campaign: 2027, timeZone: 'America/Guadeloupe' },
      'Ouverture de la période EN3S 2027 (America/Guadeloupe)',
    ],
    ['window.closed', { campaign: 2027, timeZone: 'Europe/Paris' }, 'Fin de la période EN3S 2027 (Europe/Paris)'],
    ['ruleset.in_force', { ruleSet: 'instruction-2026-34' }, 'Entrée en vigueur du texte instruction-2026-34'],
  ];

  it.each(cases)('words %s from its data', (kind, data, expected) => {
    expect(describeEntry(kind, data)).toBe(expected);
  });

  it('never shows a command no longer wanted as done by the ATS', () => {
    for (const command of ['set_approver', 'remove_approver', 'take_down', 'read_postings', 'ask_recruiter']) {
      const text = describeEntry('command.skipped', { command });
      expect(text).toMatch(/^Commande abandonnée : plus demandée/);
      expect(text).not.toMatch(/L’ATS a|envoyé au|exécut/);
    }
  });

  it('never shows an alert to the administrators as something the ATS did or was asked', () => {
    for (const [kind, data] of [
      ['command.requested', { kind: 'notify_admins' }],
      ['ats.answer', { command: 'notify_admins', outcome: 'done', note: 'notified', attempt: 1 }],
      ['command.skipped', { command: 'notify_admins' }],
    ] as const) {
      expect(describeEntry(kind, data), kind).not.toMatch(/L’ATS a|Commande demandée/);
    }
  });

  it('states an attempt only when the entry records one', () => {
    for (const outcome of [
      { command: 'set_approver', outcome: 'done', note: 'applied' },
      { command: 'ask_recruiter', outcome: 'done', note: 'sent' },
      {
        command: 'set_approver',
        outcome: 'retry',
        error: 'HTTP_503 (HTTP 503): busy',
        nextAttemptAt: '2027-02-01T09:01:00.000Z',
      },
    ]) {
      expect(describeEntry('ats.answer', outcome)).not.toMatch(/essai \d/);
      expect(describeEntry('ats.answer', { ...outcome, attempt: 4 })).toMatch(/essai 4/);
    }
    expect(describeEntry('command.skipped', { command: 'set_approver', attempt: 1 })).not.toMatch(/essai \d/);
  });

  it('reads every "already applied" note of a command the ATS answered as "déjà fait"', () => {
    for (const command of ['set_approver', 'remove_approver', 'take_down']) {
      for (const note of ['already applied (NOT_FOUND)', 'already applied: no posting still live']) {
        expect(describeEntry('ats.answer', { command, outcome: 'done', note, attempt: 1 })).toContain('(déjà fait)');
      }
      expect(describeEntry('ats.answer', { command, outcome: 'done', note: 'applied', attempt: 1 })).not.toContain(
        'déjà',
      );
    }
  });

  it('shows an unknown kind as stored, not as a wording it does not have', () => {
    expect(describeEntry('team.assigned', { by: 'connector' })).toBe('team.assigned');
  });
});
