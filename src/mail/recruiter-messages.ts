import type { AskReason } from '../domain/job-process.js';
import {
  composeMail,
  frenchDateTime,
  frenchLastDay,
  frenchShortDate,
  paragraph,
  PARIS,
  wholeDays,
  zoneName,
  type ComposedMail,
  type MailBlock,
} from './mail-layout.js';

/**
 * The e-mails the connector writes because the real ATS has no call to submit a job for
 * approval (docs/talentlink.md §4): the recruiters are asked to do it themselves, reminded, asked again when
 * a submission went out before EN3S was among its approvers (docs/talentlink.md §6), and the administrators
 * are told when a job stays unsubmitted. Pure: the facts and the instants are parameters, and
 * nothing personal is needed beyond what is given (no recruiter's name: the mail goes to all the
 * job's recruiters). What to do follows what UCANSS tells recruiters (guide Ucanss, §2.3.2 and
 * §2.3.3: "Soumettre pour approbation", and the manual start when the pop-up was missed).
 */

export interface JobMailFacts {
  /** TalentLink's "Référence de l'offre". */
  jobNumber: string;
  requisitionNumber?: string | null;
  /** "Intitulé de l'offre". */
  title: string;
  /** The recruiting body as the ATS names it, when known. */
  bodyName: string | null;
  /** The window's end, exclusive (`decision.window.end`: midnight after 30 April in the body's zone). */
  windowEnd: string;
  /** The body's legal time zone (`decision.window.timeZone`); Europe/Paris when not given. */
  timeZone?: string | null;
  /** The approver as recruiters see it in the team, e.g. "EN3S dérogation". */
  approverLabel: string;
  /** The legal text in force, e.g. "Instruction DSS/4B/2026/34", when the decision names one. */
  citedText?: string | null;
}

export interface ReminderFacts extends JobMailFacts {
  /** Why the recruiters are asked: a first submission, or a new one because EN3S was not in the last. */
  reason: AskReason;
  /** When the first request was sent. */
  askedAt: string;
  /** This reminder's number, from 1. */
  reminderNumber: number;
  /** True for the last reminder the settings allow: it says the administrators will be told. */
  lastReminder: boolean;
}

export interface ResubmitFacts extends JobMailFacts {
  /** When the connector saw the submission made without EN3S. */
  submissionObservedAt: string;
  /** That submission was already approved (the approval does not count as EN3S's). */
  approvedWithoutEn3s: boolean;
}

export interface AdminAlertFacts extends JobMailFacts {
  reason: AskReason;
  askedAt: string;
  remindersSent: number;
  /** How many recruiters the requests went to (0: the job has none, nobody could be asked). */
  recruiterCount: number;
  /** The alert's instant. */
  now: string;
}

const zoneOf = (facts: JobMailFacts) => facts.timeZone || PARIS;

/** `NVHADD00095 « Chargé d'études » (CARSAT Alsace-Moselle)`. */
function jobLabel(facts: JobMailFacts): string {
  return `${facts.jobNumber} « ${facts.title} »${facts.bodyName ? ` (${facts.bodyName})` : ''}`;
}

function jobFacts(facts: JobMailFacts): MailBlock {
  const zone = zoneOf(facts);
  return {
    kind: 'facts',
    rows: [
      [
        "Référence de l'offre",
        facts.requisitionNumber ? `${facts.jobNumber} (${facts.requisitionNumber})` : facts.jobNumber,
      ],
      ["Intitulé de l'offre", facts.title],
      ...(facts.bodyName ? ([['Organisme', facts.bodyName]] as const) : []),
      ['Équipe d’approbation', facts.approverLabel],
      ['Fin de la période EN3S', `${frenchLastDay(facts.windowEnd, zone)} inclus (${zoneName(zone)})`],
    ],
  };
}

/** Why the process exists, citing the texts. */
function why(facts: JobMailFacts): MailBlock {
  const text = facts.citedText ? ` (texte applicable : ${facts.citedText})` : '';
  return paragraph(
    `L'article R. 123-37 du code de la sécurité sociale demande aux organismes de sécurité ` +
      `sociale de signaler chaque année à l'EN3S (École nationale supérieure de sécurité sociale) ` +
      `leurs postes d'encadrement vacants, auxquels ses élèves sortants peuvent être nommés${text}. ` +
      `C'est pourquoi, du 1er janvier au 30 avril, une offre concernée ne peut être publiée ` +
      `qu'après la réponse de l'EN3S : soit elle réserve le poste à ses élèves (« refusé »), soit ` +
      `elle accorde une dérogation et l'offre peut être publiée (« validé »).`,
  );
}

/** What to do in TalentLink, as the guide Ucanss says (§2.3.3, then the pop-up of §2.3.2). */
function steps(facts: JobMailFacts, again: boolean): MailBlock[] {
  return [
    paragraph(
      again ? 'Pour soumettre de nouveau l’offre dans TalentLink :' : 'Pour soumettre l’offre dans TalentLink :',
    ),
    {
      kind: 'steps',
      items: [
        `Ouvrez l'offre ${facts.jobNumber} et cliquez sur l'onglet « Processus d'approbation ».`,
        `Vérifiez que « ${facts.approverLabel} » figure bien comme valideur.`,
        'Cliquez sur le carré vert et sélectionnez « Commencer le processus d’approbation ».',
        'Validez l’envoi du message à l’EN3S dans la fenêtre qui s’ouvre ensuite (bouton « ' +
          'Soumettre »). Vous pouvez y cocher « Recevoir une alerte quand cette action a été ' +
          'effectuée » pour être prévenu(e) de la réponse de l’EN3S.',
        'Vérifiez dans l’onglet « Processus d’approbation » que le processus est bien lancé (« Débuté le … »).',
      ],
    },
    paragraph(
      'À la création d’une offre, le lien « Soumettre pour approbation » de la fenêtre qui ' +
        's’ouvre après « Créer » fait la même chose ; si cette fenêtre a été fermée ou manquée, les ' +
        'étapes ci-dessus la remplacent.',
    ),
  ];
}

function lock(facts: JobMailFacts): MailBlock {
  const zone = zoneOf(facts);
  return paragraph(
    `Tant que l'EN3S n'a pas répondu, la publication de l'offre reste refusée. Si l'EN3S ` +
      `valide la demande, vous pourrez publier l'offre depuis l'onglet « Publication », comme ` +
      `d'habitude ; si elle la refuse, le poste est réservé aux élèves de l'EN3S et l'offre n'est ` +
      `pas publiée. ` +
      `La période EN3S prend fin le ${frenchLastDay(facts.windowEnd, zone)} à 24 h (${zoneName(zone)}).`,
  );
}

const recruiterFooter = paragraph(
  'Ce message vous est adressé automatiquement par le connecteur EN3S de la bourse des ' +
    'emplois de l’Ucanss, parce que vous faites partie des recruteurs de cette offre dans ' +
    'TalentLink. Pour toute question, adressez-vous aux administrateurs de la bourse des ' +
    'emplois de l’Ucanss.',
);

/** The first request: EN3S is now among the job's approvers, the recruiter submits. */
export function submitRequest(facts: JobMailFacts): ComposedMail {
  return composeMail(`Offre ${facts.jobNumber} : à soumettre pour approbation à l'EN3S`, [
    paragraph('Bonjour,'),
    paragraph(
      `Votre offre ${jobLabel(facts)} est concernée par la période EN3S. Le connecteur EN3S a ` +
        `inscrit « ${facts.approverLabel} » dans son équipe d'approbation ; ` +
        `il vous reste à la soumettre pour approbation, ce que TalentLink ne permet pas de faire automatiquement.`,
    ),
    why(facts),
    ...steps(facts, false),
    lock(facts),
    jobFacts(facts),
    recruiterFooter,
  ]);
}

/** A submission went out before EN3S was among its approvers: EN3S never received it (docs/talentlink.md §6). */
export function resubmitRequest(facts: ResubmitFacts): ComposedMail {
  const zone = zoneOf(facts);
  const approved = facts.approvedWithoutEn3s
    ? " L'approbation obtenue (statut « Approuvée ») ne vaut donc pas accord de l'EN3S, et ne " +
      "permet pas de publier l'offre pendant la période EN3S."
    : '';
  return composeMail(`Offre ${facts.jobNumber} : à soumettre de nouveau, l'EN3S n'a pas été saisie`, [
    paragraph('Bonjour,'),
    paragraph(
      `Votre offre ${jobLabel(facts)} est concernée par la période EN3S. Elle a été soumise pour ` +
        `approbation (soumission constatée le ${frenchDateTime(facts.submissionObservedAt, zone)}) ` +
        `alors que « ${facts.approverLabel} » ne figurait pas parmi ses approbateurs. Dans ` +
        `TalentLink, les approbateurs d'une soumission sont ceux de l'équipe au moment où elle est ` +
        `faite : l'EN3S n'a pas reçu cette demande.${approved}`,
    ),
    paragraph(
      `« ${facts.approverLabel} » figure désormais dans l'équipe d'approbation : soumettez ` +
        `l'offre de nouveau, ce qui ouvre une nouvelle version du processus d'approbation.`,
    ),
    why(facts),
    ...steps(facts, true),
    lock(facts),
    jobFacts(facts),
    recruiterFooter,
  ]);
}

/** A reminder: the request was sent, no submission was seen since. */
export function reminder(facts: ReminderFacts): ComposedMail {
  if (!Number.isInteger(facts.reminderNumber) || facts.reminderNumber < 1) {
    throw new RangeError(`reminder: reminderNumber expected an integer from 1, got ${facts.reminderNumber}`);
  }
  const zone = zoneOf(facts);
  const what =
    facts.reason === 'resubmit' ? 'de soumettre de nouveau pour approbation' : 'de soumettre pour approbation';
  const last = facts.lastReminder
    ? [
        paragraph(
          'C’est la dernière relance : si l’offre n’est pas soumise, les administrateurs de la ' +
            'bourse des emplois de l’Ucanss en seront informés.',
        ),
      ]
    : [];
  return composeMail(
    `Relance ${facts.reminderNumber} – offre ${facts.jobNumber} : à soumettre ` +
      `${facts.reason === 'resubmit' ? 'de nouveau ' : ''}pour ` +
      `approbation à l'EN3S`,
    [
      paragraph('Bonjour,'),
      paragraph(
        `Le ${frenchDateTime(facts.askedAt, zone)}, nous vous avons demandé ${what} à l'EN3S votre ` +
          `offre ${jobLabel(facts)}. ` +
          `À ce jour, le connecteur EN3S ne constate pas cette soumission dans TalentLink. Si vous ` +
          `venez de la faire, ne tenez pas compte de ce message.`,
      ),
      why(facts),
      ...steps(facts, facts.reason === 'resubmit'),
      lock(facts),
      ...last,
      jobFacts(facts),
      recruiterFooter,
    ],
  );
}

/** The administrators' alert: a job still unsubmitted past the delay. */
export function adminAlert(facts: AdminAlertFacts): ComposedMail {
  const days = wholeDays(facts.askedAt, facts.now);
  const since = days === 0 ? "depuis moins d'un jour" : `depuis ${days} jour${days > 1 ? 's' : ''}`;
  const what =
    facts.reason === 'resubmit'
      ? 'attend d’être soumise de nouveau (la soumission précédente ne comprenait pas l’EN3S)'
      : 'attend d’être soumise pour approbation';
  const invited =
    facts.recruiterCount === 1
      ? 'Son recruteur a été invité'
      : `Ses ${facts.recruiterCount} recruteurs ont été invités`;
  const asked =
    facts.recruiterCount === 0
      ? "L'offre n'a aucun recruteur dans son équipe : personne n'a pu être prévenu."
      : `${invited} ` +
        `par e-mail le ${frenchDateTime(facts.askedAt, PARIS)} à la soumettre, ` +
        (facts.remindersSent === 0
          ? 'sans relance depuis.'
          : `puis relancé${facts.recruiterCount > 1 ? 's' : ''} ${facts.remindersSent} fois.`);
  return composeMail(
    `Offre ${facts.jobNumber} non soumise à l'EN3S depuis le ${frenchShortDate(facts.askedAt, PARIS)}`,
    [
      paragraph('Bonjour,'),
      paragraph(
        `L'offre ${jobLabel(facts)} est concernée par la période EN3S et ${what} ${since} : au ` +
          `${frenchDateTime(facts.now, PARIS)}, ` +
          `le connecteur EN3S ne constate aucune soumission à l'EN3S dans TalentLink. ${asked}`,
      ),
      paragraph(
        `La publication de l'offre reste refusée tant que l'EN3S n'a pas répondu. Vous pouvez ` +
          `contacter l'organisme, ou lancer vous-même le processus depuis l'onglet « Processus ` +
          `d'approbation » de l'offre (« Commencer le processus d'approbation »).`,
      ),
      jobFacts(facts),
      paragraph(
        'Ce message est adressé automatiquement par le connecteur EN3S aux administrateurs de la ' +
          'bourse des emplois de l’Ucanss. Les heures sont celles de Paris.',
      ),
    ],
  );
}
