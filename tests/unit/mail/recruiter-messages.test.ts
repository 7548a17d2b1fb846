import { describe, expect, it } from 'vitest';
import {
  adminAlert,
  reminder,
  resubmitRequest,
  submitRequest,
  type JobMailFacts,
} from '../../../src/mail/recruiter-messages.js';

const facts: JobMailFacts = {
  jobNumber: 'NVHADD00095',
  requisitionNumber: 'REQ-2027-12',
  title: 'Chargé d’études statistiques',
  bodyName: 'CARSAT Alsace-Moselle',
  windowEnd: '2027-05-01T00:00:00.000+02:00',
  timeZone: 'Europe/Paris',
  approverLabel: 'EN3S dérogation',
  citedText: 'Instruction DSS/4B/2026/34 §1.1',
};

const ASKED = '2027-01-05T08:00:00.000Z'; // 09:00 in Paris

/** The steps of the guide Ucanss §2.3.3 (manual start), in its words, in order. */
const guideSteps = [
  "« Processus d'approbation »",
  '« EN3S dérogation » figure bien comme valideur',
  'carré vert',
  '« Commencer le processus d’approbation »',
  '« Soumettre »',
];

function expectInOrder(text: string, parts: readonly string[]): void {
  let from = 0;
  for (const part of parts) {
    const at = text.indexOf(part, from);
    expect(at, `« ${part} » after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + part.length;
  }
}

const recruiterMails = {
  'the first request': submitRequest(facts),
  'a reminder': reminder({ ...facts, reason: 'submit', askedAt: ASKED, reminderNumber: 1, lastReminder: false }),
  'the re-submission request': resubmitRequest({
    ...facts,
    submissionObservedAt: '2027-01-04T15:30:00.000Z',
    approvedWithoutEn3s: false,
  }),
};

describe('what every mail to the recruiters says', () => {
  it.each(Object.entries(recruiterMails))('%s: the job number in a short subject', (_name, mail) => {
    expect(mail.subject).toContain('NVHADD00095');
    expect(mail.subject.length).toBeLessThanOrEqual(90);
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it.each(Object.entries(recruiterMails))(
    '%s: the job, why (période EN3S, the texts), the steps of the guide, publication refused until EN3S answers',
    (_name, mail) => {
      for (const version of [mail.text, mail.html]) {
        expect(version).toContain('NVHADD00095');
        expect(version).toContain('REQ-2027-12');
        expect(version).toContain('Chargé d’études statistiques');
        expect(version).toContain('CARSAT Alsace-Moselle');
        expect(version).toContain('période EN3S');
        expect(version).toContain('R. 123-37 du code de la sécurité sociale');
        expect(version).toContain('Instruction DSS/4B/2026/34 §1.1');
        expect(version).toContain('élèves');
        expect(version).toMatch(/publication de l(&#39;|')offre reste refusée/);
        expect(version).toContain('« Soumettre pour approbation »');
      }
      expectInOrder(mail.text, guideSteps);
      expect(mail.text).toMatch(/^1\. Ouvrez l'offre NVHADD00095/m);
      expect(mail.text).toMatch(/^5\. Vérifiez dans l’onglet/m);
      expect(mail.html).toMatch(/<ol>\n<li>Ouvrez/);
    },
  );

  it('writes the window’s last day in French, in the body’s own legal time', () => {
    expect(submitRequest(facts).text).toContain(
      'Fin de la période EN3S : vendredi 30 avril 2027 inclus (heure de Paris)',
    );
    const guadeloupe = submitRequest({
      ...facts,
      windowEnd: '2027-05-01T00:00:00.000-04:00',
      timeZone: 'America/Guadeloupe',
    });
    expect(guadeloupe.text).toContain('vendredi 30 avril 2027 à 24 h (heure de la Guadeloupe)');
    // Read in Paris, that instant is already 1 May: the body's zone is what counts.
    expect(submitRequest({ ...facts, windowEnd: '2027-05-01T00:00:00.000-04:00', timeZone: null }).text).toContain(
      'samedi 1er mai 2027',
    );
  });

  it('escapes what the ATS gives in the HTML version, and keeps it as is in the text', () => {
    const hostile = {
      ...facts,
      title: '<script>alert("x")</script> & Cie',
      bodyName: 'CPAM <b>Nord</b>',
      jobNumber: 'J<1>',
    };
    const mail = submitRequest(hostile);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>Nord</b>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Cie');
    expect(mail.html).toContain('<title>Offre J&lt;1&gt; :');
    expect(mail.text).toContain('<script>alert("x")</script> & Cie');
    expect(mail.html.startsWith('<!DOCTYPE html>\n<html lang="fr">')).toBe(true);
  });

  it('leaves out the body and the text in force when they are not known', () => {
    const mail = submitRequest({ ...facts, bodyName: null, citedText: null, requisitionNumber: null });
    expect(mail.text).not.toContain('Organisme :');
    expect(mail.text).not.toContain('texte applicable');
    expect(mail.text).toContain("Référence de l'offre : NVHADD00095\n");
  });
});

describe('the request, the reminders, the re-submission', () => {
  it('the first request says EN3S was set as approver and that TalentLink cannot submit for them', () => {
    const mail = submitRequest(facts);
    expect(mail.subject).toBe("Offre NVHADD00095 : à soumettre pour approbation à l'EN3S");
    expect(mail.text).toContain("a inscrit « EN3S dérogation » dans son équipe d'approbation");
    expect(mail.text).toContain('ce que TalentLink ne permet pas de faire automatiquement');
  });

  it('a reminder: its number, the request date (French, Paris), and if last that administrators will be told', () => {
    const second = reminder({ ...facts, reason: 'submit', askedAt: ASKED, reminderNumber: 2, lastReminder: false });
    expect(second.subject).toBe("Relance 2 – offre NVHADD00095 : à soumettre pour approbation à l'EN3S");
    expect(second.text).toContain('Le 05/01/2027 à 09:00, nous vous avons demandé de soumettre pour approbation');
    expect(second.text).toContain('Si vous venez de la faire, ne tenez pas compte de ce message.');
    expect(second.text).not.toContain('dernière relance');
    const last = reminder({ ...facts, reason: 'submit', askedAt: ASKED, reminderNumber: 3, lastReminder: true });
    expect(last.text).toContain('C’est la dernière relance');
  });

  it('a reminder of a re-submission asks to submit again', () => {
    const mail = reminder({ ...facts, reason: 'resubmit', askedAt: ASKED, reminderNumber: 1, lastReminder: false });
    expect(mail.subject).toContain('à soumettre de nouveau pour approbation');
    expect(mail.text).toContain('Pour soumettre de nouveau l’offre dans TalentLink');
  });

  it('refuses a reminder number below 1 (a bug of the caller)', () => {
    expect(() =>
      reminder({ ...facts, reason: 'submit', askedAt: ASKED, reminderNumber: 0, lastReminder: false }),
    ).toThrow(/reminderNumber/);
  });

  it('the re-submission says a submission without EN3S did not reach it; an approval without it does not count', () => {
    const pending = resubmitRequest({
      ...facts,
      submissionObservedAt: '2027-01-04T15:30:00.000Z',
      approvedWithoutEn3s: false,
    });
    expect(pending.subject).toBe("Offre NVHADD00095 : à soumettre de nouveau, l'EN3S n'a pas été saisie");
    expect(pending.text).toContain('soumission constatée le 04/01/2027 à 16:30');
    expect(pending.text).toContain("l'EN3S n'a pas reçu cette demande");
    expect(pending.text).toContain("nouvelle version du processus d'approbation");
    expect(pending.text).not.toContain('Approuvée');
    const approved = resubmitRequest({
      ...facts,
      submissionObservedAt: '2027-01-04T15:30:00.000Z',
      approvedWithoutEn3s: true,
    });
    expect(approved.text).toContain("L'approbation obtenue (statut « Approuvée ») ne vaut donc pas accord de l'EN3S");
  });
});

describe('the administrators’ alert', () => {
  const alert = (over: Partial<Parameters<typeof adminAlert>[0]> = {}) =>
    adminAlert({
      ...facts,
      reason: 'submit',
      askedAt: ASKED,
      remindersSent: 2,
      recruiterCount: 2,
      now: '2027-01-12T08:00:00.000Z',
      ...over,
    });

  it('names the job, since when it waits, who was asked and how often, in Paris time', () => {
    const mail = alert();
    expect(mail.subject).toBe("Offre NVHADD00095 non soumise à l'EN3S depuis le 05/01/2027");
    expect(mail.text).toContain('attend d’être soumise pour approbation depuis 7 jours');
    expect(mail.text).toContain('au 12/01/2027 à 09:00');
    expect(mail.text).toContain(
      'Ses 2 recruteurs ont été invités par e-mail le 05/01/2027 à 09:00 à la soumettre, puis relancés 2 fois.',
    );
    expect(mail.text).toContain("reste refusée tant que l'EN3S n'a pas répondu");
  });

  it('says when nobody could be asked, and when no reminder was sent', () => {
    expect(alert({ recruiterCount: 0 }).text).toContain(
      "L'offre n'a aucun recruteur dans son équipe : personne n'a pu être prévenu.",
    );
    expect(alert({ recruiterCount: 1, remindersSent: 0 }).text).toContain(
      'Son recruteur a été invité par e-mail le 05/01/2027 à 09:00 à la soumettre, sans relance depuis.',
    );
    expect(alert({ now: '2027-01-05T20:00:00.000Z' }).text).toContain("depuis moins d'un jour");
  });

  it('for a re-submission, says the previous submission did not include EN3S', () => {
    expect(alert({ reason: 'resubmit' }).text).toContain(
      'attend d’être soumise de nouveau (la soumission précédente ne comprenait pas l’EN3S)',
    );
  });
});
