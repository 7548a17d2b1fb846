import { readFileSync } from 'node:fs';
import cron from 'node-cron';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';

/** zod's default messages in French (its own locale), for the settings' problems. */
const frenchIssues = z.locales.fr().localeError;

/**
 * Every setting of the service, in one zod schema, read once at start-up from the environment
 * (`EN3S_…`) and optionally a YAML config file outside the repository (`EN3S_CONFIG_FILE`).
 * The environment wins over the file. The README's configuration reference is generated from
 * `settings` below (`npm run docs`), so the description here is the documentation.
 */

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes'].includes(v)));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const list = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean));
// node-cron's own parser, so that an expression it would refuse at start-up is refused here,
// with the variable's name, instead of crashing the service.
const cronExpression = z
  .string()
  .refine(
    (v) => cron.validate(v.trim()),
    'expression cron attendue, par exemple */5 * * * * (5 champs, ou 6 avec les secondes en tête)',
  );

/** A day of the year and a time, Paris time: when the final report and the recap are due each year. */
export interface MonthDayTime {
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * `MM-DD` (at 07:00) or `MM-DDTHH:mm`, or null when it names no day of every year (29 February,
 * 31 April) or no time. The setting is stored as `MM-DDTHH:mm`; the schedule reads it back here.
 */
export function parseMonthDayTime(text: string): MonthDayTime | null {
  const m = /^(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const [month, day] = [Number(m[1]), Number(m[2])];
  const [hour, minute] = m[3] === undefined ? [7, 0] : [Number(m[3]), Number(m[4])];
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]! || hour > 23 || minute > 59) return null;
  return { month, day, hour, minute };
}

const two = (n: number) => String(n).padStart(2, '0');

// The final report is due once every body's window has closed: 30 April 24:00 in the Antilles and
// Guyane (UTC−4) is 1 May 06:00 in Paris, so from 2 May on, and within the year of the campaign.
const finalAt = z.string().transform((text, ctx) => {
  const at = parseMonthDayTime(text);
  if (at === null || at.month < 5 || (at.month === 5 && at.day < 2)) {
    ctx.addIssue({
      code: 'custom',
      message: `attendu MM-JJ ou MM-JJTHH:mm (heure de Paris), du 05-02 au 12-31, ex. 05-02T07:00 ; reçu « ${text} »`,
    });
    return z.NEVER;
  }
  return `${two(at.month)}-${two(at.day)}T${two(at.hour)}:${two(at.minute)}`;
});

interface Setting {
  env: string;
  schema: z.ZodType;
  default?: unknown;
  description: string;
  /** What the setting does, in French, for the dashboard's settings page (the README is English). */
  french: string;
  secret?: boolean;
}

/** The settings, keyed by their name in the config file. */
export const settings = {
  databaseUrl: {
    env: 'EN3S_DATABASE_URL',
    french:
      'Base de données : `sqlite:<fichier>` (intégrée, par défaut) ou `postgres://…` quand ' +
      'plusieurs instances partagent une même base.',
    schema: z.string().min(1),
    default: 'sqlite:./data/en3s.sqlite',
    description:
      'Database: `sqlite:<file>` (embedded, default) or `postgres://user:pass@host:port/db` for ' +
      'several instances sharing one database.',
    secret: true,
  },
  migrateOnStart: {
    env: 'EN3S_MIGRATE_ON_START',
    french: 'Applique au démarrage du service les migrations de la base en attente.',
    schema: bool,
    default: true,
    description: 'Apply pending database migrations when the service starts.',
  },
  httpHost: {
    env: 'EN3S_HTTP_HOST',
    french: 'Adresse sur laquelle le service écoute.',
    schema: z.string(),
    default: '127.0.0.1',
    description: 'Address the service listens on.',
  },
  httpPort: {
    env: 'EN3S_HTTP_PORT',
    french: 'Port du service (route des alertes, tableau de bord, API, métriques).',
    schema: int(0, 65535),
    default: 3000,
    description: 'Port of the service (alert route, dashboard, API, metrics).',
  },
  httpHeadersTimeoutMs: {
    env: 'EN3S_HTTP_HEADERS_TIMEOUT_MS',
    french:
      'Délai dans lequel les en-têtes d’une requête doivent être arrivés ; sinon 408 et la ' +
      'connexion est fermée. Au plus `httpRequestTimeoutMs`.',
    schema: int(1000, 600_000),
    default: 10_000,
    description:
      "A client's request headers must have arrived within this time after it connected or began " +
      'the request; otherwise 408 and the connection is closed. At most `httpRequestTimeoutMs`.',
  },
  httpRequestTimeoutMs: {
    env: 'EN3S_HTTP_REQUEST_TIMEOUT_MS',
    french:
      'Délai dans lequel une requête entière, en-têtes et corps, doit être arrivée ; sinon 408 ' +
      'et la connexion est fermée (un corps lent ne garde pas de mémoire longtemps). La réponse ' +
      'elle-même, comme le téléchargement d’un rapport, n’est pas limitée.',
    schema: int(1000, 600_000),
    default: 15_000,
    description:
      'A whole request, headers and body, must have arrived within this time; otherwise 408 and ' +
      'the connection is closed (a slow body holds no memory for long). The answer itself, such ' +
      'as a report download, is not limited.',
  },
  httpKeepAliveTimeoutMs: {
    env: 'EN3S_HTTP_KEEP_ALIVE_TIMEOUT_MS',
    french: 'Une connexion gardée ouverte sans nouvelle requête est fermée après ce délai.',
    schema: int(1000, 600_000),
    default: 5_000,
    description: 'An idle kept-alive connection is closed after this time without a new request.',
  },
  shutdownDelayMs: {
    env: 'EN3S_SHUTDOWN_DELAY_MS',
    french:
      'Après SIGTERM, `/readyz` répond 503 pendant ce délai et le service continue de servir, ' +
      'pour que le répartiteur de charge cesse de lui envoyer des requêtes avant la fermeture des ' +
      'connexions ; 0 arrête aussitôt.',
    schema: int(0, 120_000),
    default: 5_000,
    description:
      'After SIGTERM, `/readyz` answers 503 for this long while the service still serves, so ' +
      'that a load balancer stops sending before the connections close; 0 stops at once.',
  },
  httpMaxConnections: {
    env: 'EN3S_HTTP_MAX_CONNECTIONS',
    french:
      'Nombre maximal de connexions ouvertes en même temps ; au-delà, une nouvelle connexion est fermée aussitôt.',
    schema: int(1, 100_000),
    default: 512,
    description: 'Connections open at once at most; beyond, a new connection is closed at once.',
  },
  httpMaxBodyBytes: {
    env: 'EN3S_HTTP_MAX_BODY_BYTES',
    french:
      'Une requête dont la longueur annoncée (`Content-Length`) dépasse cette taille reçoit 413 ' +
      'avant qu’un octet de son corps soit lu, sur toutes les routes. Chaque route a en plus sa ' +
      'propre limite, plus basse (64 Kio pour la route des alertes, l’API et les formulaires).',
    schema: int(1024, 100 * 1024 * 1024),
    default: 1024 * 1024,
    description:
      'A request whose declared `Content-Length` exceeds this gets 413 before a byte of its body ' +
      'is read, on every route. Each route has its own lower limit as well (64 KiB for the alert ' +
      'route, the API and the forms).',
  },
  alertTokens: {
    env: 'EN3S_ALERT_TOKEN',
    french:
      'Jetons secrets de l’adresse d’alerte `POST /webhooks/talentlink/<jeton>` qu’appellent les ' +
      'files du locataire à chaque nouvel élément, séparés par des espaces (plusieurs pendant un ' +
      'changement de jeton). Une alerte ne fait que déclencher une lecture des files. Obligatoire ' +
      'pour `en3s serve`.',
    schema: list.pipe(
      z.array(z.string().regex(/^[A-Za-z0-9._~-]{24,200}$/, 'jeton attendu : de 24 à 200 lettres, chiffres, . _ ~ -')),
    ),
    default: [],
    description:
      "Secret tokens of the alert URL `POST /webhooks/talentlink/<token>` that the tenant's " +
      'queues call when an element is added, space-separated (several during a rotation). The ' +
      'alert is only a poke: it grants nothing but a read of the queues. Required by `en3s serve`.',
    secret: true,
  },
  positionQueue: {
    env: 'EN3S_QUEUE_POSITIONS',
    french:
      'Nom de la file d’attente des offres du locataire (événements de création, de changement ' +
      'd’état et d’approbation des offres) ; il peut contenir des espaces.',
    schema: z.string().min(1).max(200),
    default: 'en3s-positions',
    description:
      "Name of the tenant's queue of jobs (events JOB_CREATED_EVENT, JOB_STATUS_CHANGED_EVENT, " +
      'JOB_APPROVED_EVENT); names may hold spaces.',
  },
  postingQueue: {
    env: 'EN3S_QUEUE_POSTINGS',
    french: 'Nom de la file d’attente des diffusions d’annonces du locataire.',
    schema: z.string().min(1).max(200),
    default: 'en3s-postings',
    description: "Name of the tenant's queue of posting targets (event POSTING_CREATED).",
  },
  queuePollMs: {
    env: 'EN3S_QUEUE_POLL_MS',
    french:
      'Intervalle entre deux lectures de toutes les files, alertes ou non (une alerte perdue ' +
      'retarde la lecture d’au plus cette durée), en millisecondes.',
    schema: int(1000, 86_400_000),
    default: 60_000,
    description:
      'Interval between two reads of every queue, whatever the alerts (a lost alert costs at most this long).',
  },
  atsBaseUrl: {
    env: 'EN3S_ATS_BASE_URL',
    french:
      'Adresse de TalentLink ; l’API REST est sous `{adresse}/tlk/rest`. Vide : `npm start` lance le bac à sable.',
    schema: z.url().or(z.literal('')),
    default: '',
    description: 'TalentLink base URL; the REST API is under `{base}/tlk/rest`. Empty: `npm start` runs the sandbox.',
  },
  atsUser: {
    env: 'EN3S_ATS_USER',
    french: 'Utilisateur de l’API, `Société:utilisateur:BO`.',
    schema: z.string(),
    default: '',
    description: 'API user name, `Company:user:BO`.',
    secret: true,
  },
  atsPassword: {
    env: 'EN3S_ATS_PASSWORD',
    french: 'Mot de passe de l’API.',
    schema: z.string(),
    default: '',
    description: 'API password.',
    secret: true,
  },
  atsApiKey: {
    env: 'EN3S_ATS_API_KEY',
    french: 'Clé d’API, envoyée dans le paramètre `api_key` (masquée dans toute adresse écrite).',
    schema: z.string(),
    default: '',
    description: 'API key, sent as the `api_key` query parameter (redacted from every URL written anywhere).',
    secret: true,
  },
  atsCallsPerSecond: {
    env: 'EN3S_ATS_CALLS_PER_SECOND',
    french:
      'Budget d’appels à l’ATS par seconde du connecteur, partagé par toutes ses instances au ' +
      'travers de la base (la passerelle de l’éditeur en permet 8 par clé d’API ; à baisser si ' +
      'd’autres intégrations partagent la clé).',
    schema: int(1, 100),
    default: 8,
    description:
      "The connector's own budget of ATS calls per second, shared by all its instances through " +
      "the database (the vendor's gateway allows 8 per API key; lower it when other integrations " +
      'share the key).',
  },
  atsMonthlyQuota: {
    env: 'EN3S_ATS_MONTHLY_QUOTA',
    french:
      'Appels permis sur 30 jours glissants quand la clé d’API a un quota mensuel ; 0 (par défaut) : aucun quota.',
    schema: int(0, 1_000_000_000),
    default: 0,
    description: 'Calls allowed over a rolling 30 days when the API key has a monthly quota; 0 (default): none.',
  },
  atsTakedownReserve: {
    env: 'EN3S_ATS_TAKEDOWN_RESERVE',
    french:
      'Appels de chaque seconde réservés à la lecture de la file des annonces et au retrait des ' +
      'annonces, pour qu’un afflux d’approbateurs à poser ne laisse jamais en ligne une annonce ' +
      'publiée trop tôt.',
    schema: int(0, 50),
    default: 2,
    description:
      'Calls of each second kept for reading the posting queue and taking postings down, so that ' +
      'a surge of approvers to set never leaves a premature posting up.',
  },
  atsTimeoutMs: {
    env: 'EN3S_ATS_TIMEOUT_MS',
    french: 'Délai maximal d’un appel à l’ATS, en millisecondes.',
    schema: int(100, 120_000),
    default: 10_000,
    description: 'Time-out of one ATS call.',
  },
  atsCircuitCoolDownMs: {
    env: 'EN3S_ATS_CIRCUIT_COOLDOWN_MS',
    french:
      'Après 5 échecs de suite de l’ATS (erreurs 5xx, délais dépassés, réseau), plus aucun appel ' +
      'pendant cette durée, puis un appel d’essai dit s’il répond de nouveau. Les commandes ' +
      'attendent sans consommer leurs essais.',
    schema: int(1000, 600_000),
    default: 30_000,
    description:
      'After 5 failures of the ATS in a row (5xx, time-outs, network errors), no call is made ' +
      'for this long, then one trial call tells whether it is back. Commands wait for it without ' +
      'spending their attempts.',
  },
  inboxLeaseMs: {
    env: 'EN3S_INBOX_LEASE_MS',
    french:
      'Durée pendant laquelle une instance garde les notifications prises dans la file d’entrée. ' +
      'Si elle s’arrête entre-temps, elles attendent cette durée avant qu’une instance les reprenne.',
    schema: int(1000, 600_000),
    default: 30_000,
    description:
      'How long an instance holds the notifications it took from the inbox. If it dies ' +
      'meanwhile, they wait this long before an instance (another, or itself restarted) takes them over.',
  },
  outboxLeaseMs: {
    env: 'EN3S_OUTBOX_LEASE_MS',
    french:
      'Durée pendant laquelle une instance garde les commandes à l’ATS qu’elle a prises ; une ' +
      'commande n’est plus envoyée une fois ce délai passé. À garder bien au-dessus du délai d’un ' +
      'appel à l’ATS.',
    schema: int(1000, 600_000),
    default: 60_000,
    description:
      'How long an instance holds the ATS commands it took from the outbox; a command is not ' +
      'sent once its lease has run out. If the instance dies, its commands wait this long before ' +
      'another takes them over: keep it well above `atsTimeoutMs`.',
  },
  policyMode: {
    env: 'EN3S_POLICY_MODE',
    french:
      '`enforce` : agir dans l’ATS (approbateur EN3S, annonces retirées, recruteurs sollicités). ' +
      '`monitor` : seulement constater et rendre compte.',
    schema: z.enum(['enforce', 'monitor']),
    default: 'enforce',
    description:
      '`enforce`: act in the ATS (EN3S approver, postings taken down, recruiters asked). ' +
      '`monitor`: only record and report.',
  },
  policyUndetermined: {
    env: 'EN3S_POLICY_UNDETERMINED',
    french:
      'Offres à vérifier : `treat-as-concerned` (par défaut : traitées comme concernées et ' +
      'signalées) ou `flag-only` (signalées seulement, sans action).',
    schema: z.enum(['treat-as-concerned', 'flag-only']),
    default: 'treat-as-concerned',
    description:
      'Undetermined offers: `treat-as-concerned` (default; act and flag for review) or `flag-only` (flag, do not act).',
  },
  policyRemoveApproverAtWindowEnd: {
    env: 'EN3S_POLICY_REMOVE_APPROVER_AT_WINDOW_END',
    french:
      'À la fin de la période, retirer l’approbateur EN3S des offres qui attendent encore sa ' +
      'réponse (le reste de l’équipe est gardé, puis relu).',
    schema: bool,
    default: false,
    description:
      'When the window closes, take the EN3S approver off the jobs still waiting for its answer ' +
      '(the rest of the team kept, then read back).',
  },
  policyAskRecruiters: {
    env: 'EN3S_POLICY_ASK_RECRUITERS',
    french:
      'Demander par e-mail aux recruteurs d’une offre concernée de « Soumettre pour approbation ' +
      '» une fois l’approbateur EN3S posé (l’API ne peut pas soumettre).',
    schema: bool,
    default: true,
    description:
      'E-mail the recruiters of a concerned job to "Soumettre pour approbation" once the EN3S ' +
      'approver is set (the API cannot submit it).',
  },
  mailMode: {
    env: 'EN3S_MAIL_MODE',
    french:
      'Envoi des e-mails aux recruteurs et aux administrateurs : `smtp` (par le serveur SMTP ' +
      'configuré), `mailbox` (gardés dans la base et montrés au tableau de bord, pour la ' +
      'démonstration) ou `off` (aucun : le tableau de bord liste les offres en attente de ' +
      'soumission).',
    schema: z.enum(['off', 'smtp', 'mailbox']),
    default: 'off',
    description:
      'How the e-mails to recruiters and administrators go: `smtp` (through `mailSmtpUrl`), ' +
      '`mailbox` (kept in the database and shown on the dashboard, for the demo), or `off` (none: ' +
      'the dashboard lists the jobs awaiting their submission).',
  },
  mailSmtpUrl: {
    env: 'EN3S_MAIL_SMTP_URL',
    french:
      'Serveur SMTP des e-mails aux recruteurs et aux administrateurs, ' +
      '`smtp://[utilisateur:mot-de-passe@]hôte:port` ou `smtps://…`.',
    schema: z.string().regex(/^(smtps?:\/\/.+)?$/, 'adresse attendue : smtp://… ou smtps://…'),
    default: '',
    description:
      'SMTP server of the e-mails to recruiters and administrators, `smtp://[user:password@]host:port` or `smtps://…`.',
    secret: true,
  },
  mailFrom: {
    env: 'EN3S_MAIL_FROM',
    french: 'Expéditeur des e-mails aux recruteurs et aux administrateurs ; obligatoire en mode `smtp`.',
    schema: z.string(),
    default: '',
    description: 'Sender of the e-mails to recruiters and administrators; required in `smtp` mode.',
  },
  mailAdmins: {
    env: 'EN3S_MAIL_ADMINS',
    french: 'Administrateurs prévenus par e-mail quand une offre reste non soumise, adresses séparées par des espaces.',
    schema: list.pipe(z.array(z.email({ error: 'adresse e-mail attendue' }))),
    default: [],
    description: 'Administrators told by e-mail when a job stays unsubmitted, space-separated addresses.',
    secret: true,
  },
  mailReminderAfterHours: {
    env: 'EN3S_MAIL_REMINDER_AFTER_HOURS',
    french: 'Heures après le dernier e-mail aux recruteurs d’une offre avant la relance suivante.',
    schema: int(1, 24 * 60),
    default: 48,
    description: "Hours after the last e-mail to a job's recruiters before the next reminder.",
  },
  mailMaxReminders: {
    env: 'EN3S_MAIL_MAX_REMINDERS',
    french: 'Nombre maximal de relances après la demande de soumission (0 : aucune).',
    schema: int(0, 20),
    default: 2,
    description: 'Reminders at most after the request to submit (0: none).',
  },
  mailAlertAdminsAfterHours: {
    env: 'EN3S_MAIL_ALERT_ADMINS_AFTER_HOURS',
    french:
      'Heures après la demande au bout desquelles les administrateurs sont prévenus que l’offre ' +
      'n’est toujours pas soumise (0 : jamais).',
    schema: int(0, 24 * 120),
    default: 120,
    description:
      'Hours after the request when the administrators are told that the job is still unsubmitted (0: never).',
  },
  mailFollowUpCron: {
    env: 'EN3S_MAIL_FOLLOW_UP_CRON',
    french:
      'Quand chercher les offres en attente de soumission et envoyer les relances et l’alerte ' +
      'aux administrateurs dues, heure de Paris. Cinq champs, ou six avec les secondes en premier.',
    schema: cronExpression,
    default: '*/10 * * * *',
    description:
      'When to look for the jobs still awaiting their submission and send the reminders and the ' +
      "administrators' alert that are due, Europe/Paris. Five fields, or six with the seconds " +
      'first (`*/30 * * * * *`).',
  },
  primaryNetworks: {
    env: 'EN3S_PRIMARY_NETWORKS',
    french:
      'Organismes à deux réseaux (CARSAT, CGSS) : les compter dans chacun de leurs réseaux ' +
      '(`all`) ou seulement dans le principal (`primary`).',
    schema: z.enum(['all', 'primary']),
    default: 'all',
    description:
      'Bodies with two networks (CARSAT, CGSS): report them under `all` their networks or only the `primary` one.',
  },
  reconcileCron: {
    env: 'EN3S_RECONCILE_CRON',
    french:
      'Quand lister les offres modifiées dans l’ATS depuis la dernière fois (rattrape les ' +
      'notifications perdues), heure de Paris ; lancé aussi au démarrage. Cinq champs, ou six ' +
      'avec les secondes en premier.',
    schema: cronExpression,
    default: '*/5 * * * *',
    description:
      'When to list the jobs changed in the ATS since the last run (catches lost notifications), ' +
      'Europe/Paris; also run at start-up. Five fields, or six with the seconds first (`*/30 * * * * *`).',
  },
  clockStart: {
    env: 'EN3S_CLOCK_START',
    french:
      'Démonstrations et tests seulement : instant d’où part l’horloge métier à chaque démarrage ' +
      'de `en3s serve`, puis elle avance en temps réel. Vide (par défaut) : l’heure réelle. ' +
      'Jamais en production : l’éligibilité, les relances et le registre suivraient cette horloge.',
    schema: z.union([
      z.literal(''),
      z.iso.datetime({
        offset: true,
        error: 'instant ISO 8601 attendu avec son décalage, par exemple 2027-01-12T08:00:00Z',
      }),
    ]),
    default: '',
    description:
      'Demos and tests only: the instant the business clock starts from at each start of `en3s ' +
      'serve`, then running at real speed (e.g. to play a campaign inside the window in ' +
      'November). Empty (default): real time. Never set it in production: eligibility, deadlines ' +
      'and the ledger would follow that clock.',
  },
  clockOffsetMs: {
    env: 'EN3S_CLOCK_OFFSET_MS',
    french:
      'Démonstrations et tests seulement : millisecondes ajoutées à l’heure réelle pour ' +
      'l’horloge métier (par exemple le décalage de l’horloge d’un bac à sable). Ignoré quand ' +
      'l’instant de départ est fixé. Jamais en production.',
    schema: int(-(10 ** 13), 10 ** 13),
    default: 0,
    description:
      'Demos and tests only: milliseconds added to the real time for the business clock, e.g. ' +
      "the offset of a sandbox tenant's clock, so that both show the same instant however long " +
      'the start takes. Ignored when `EN3S_CLOCK_START` is set. Never set it in production.',
  },
  reportsDir: {
    env: 'EN3S_REPORTS_DIR',
    french: 'Dossier des rapports planifiés.',
    schema: z.string().min(1),
    default: './data/reports',
    description: 'Folder of scheduled reports.',
  },
  reportsSchedule: {
    env: 'EN3S_REPORTS_SCHEDULE',
    french:
      'Écrire le rapport de contrôle chaque lundi à 7 h pendant la période, puis le rapport ' +
      'final et le récapitulatif par réseau à la date prévue (heure de Paris), dans le dossier ' +
      'des rapports ; un rapport manqué pendant un arrêt du service est fait au démarrage suivant.',
    schema: bool,
    default: true,
    description:
      'Write the control report every Monday at 07:00 during the window, and the final report ' +
      'with the recap per network at `reportsFinalAt` (Paris time), into `reportsDir`; a run ' +
      'missed while the service was stopped is made at the next start.',
  },
  reportsFinalAt: {
    env: 'EN3S_REPORTS_FINAL_AT',
    french:
      'Quand le rapport final et le récapitulatif par réseau (pour les caisses nationales et le ' +
      'SGMCAS, instruction §3) sont écrits chaque année : la fin de la période d’affectation, ' +
      '`MM-JJ` (à 7 h) ou `MM-JJTHH:mm`, heure de Paris, du `05-02` au `12-31`.',
    schema: finalAt,
    default: '05-02T07:00',
    description:
      'When the final report and the recap per network (for the caisses nationales and the ' +
      'SGMCAS, instruction §3) are written each year: the end of the "période d\'affectation", ' +
      "`MM-DD` (at 07:00) or `MM-DDTHH:mm`, Paris time, from `05-02` (every body's window has " +
      'closed by then, whatever its legal time) to `12-31`.',
  },
  reportsFormats: {
    env: 'EN3S_REPORTS_FORMATS',
    french: 'Formats des rapports planifiés, séparés par des espaces (`csv`, `xlsx`, `json`, `html`).',
    schema: list.pipe(
      z.array(z.enum(['csv', 'xlsx', 'json', 'html'])).min(1, 'au moins un format attendu parmi csv, xlsx, json, html'),
    ),
    default: ['xlsx', 'csv'],
    description: 'Formats of the scheduled reports, space-separated (`csv`, `xlsx`, `json`, `html`).',
  },
  reportsSmtpUrl: {
    env: 'EN3S_REPORTS_SMTP_URL',
    french: 'Serveur SMTP par lequel les rapports planifiés sont envoyés ; vide : pas d’e-mail.',
    schema: z
      .string()
      .refine(
        (v) => v === '' || /^smtps?:\/\/[^\s]+$/.test(v),
        'adresse attendue : smtp://hôte:port ou smtps://utilisateur:mot-de-passe@hôte:465',
      ),
    default: '',
    description: 'SMTP server the scheduled reports are e-mailed through (nodemailer); empty: no e-mail.',
    secret: true,
  },
  reportsMailFrom: {
    env: 'EN3S_REPORTS_MAIL_FROM',
    french: 'Expéditeur des e-mails des rapports.',
    schema: z.string(),
    default: '',
    description: 'Sender of the report e-mails.',
    secret: true,
  },
  reportsMailTo: {
    env: 'EN3S_REPORTS_MAIL_TO',
    french: 'Destinataires des e-mails des rapports, séparés par des espaces ; aucun : pas d’e-mail.',
    schema: list,
    default: [],
    description: 'Recipients of the report e-mails, space-separated; none: no e-mail.',
    secret: true,
  },
  retentionMonths: {
    env: 'EN3S_RETENTION_MONTHS',
    french:
      'Durée de conservation des données personnelles, en mois après la fin de la campagne ' +
      '(l’année civile de sa période) : ensuite, les documents de l’ATS reçus, les destinataires ' +
      'des e-mails et la boîte de démonstration sont purgés chaque jour (ou par « en3s db purge ' +
      '») ; le registre est gardé.',
    schema: int(1, 120),
    default: 13,
    description:
      'How long personal data is kept, in months after the end of its campaign (the calendar ' +
      'year of its window): then the ATS documents received, the recipients of the e-mails and ' +
      'the demo mailbox are purged once a day (or by `en3s db purge`); the ledger is kept. See ' +
      'docs/personal-data.md.',
  },
  logLevel: {
    env: 'EN3S_LOG_LEVEL',
    french: 'Niveau des journaux (journaux JSON sur la sortie standard, sans données personnelles).',
    schema: z.enum(['error', 'warn', 'info', 'debug']),
    default: 'info',
    description: 'Log level (JSON logs on stdout, no personal data).',
  },
  adminUsers: {
    env: 'EN3S_ADMIN_USERS',
    french:
      'Administrateurs du tableau de bord et de l’API d’administration, `nom:empreinte-bcrypt` ' +
      'séparés par des espaces ; l’empreinte vient de `en3s admin hash-password`. Le nom est ' +
      'inscrit au registre pour chaque action.',
    schema: list.pipe(
      z.array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9._@-]{1,64}:\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/,
            'attendu : nom:empreinte-bcrypt (empreinte donnée par `en3s admin hash-password`)',
          ),
      ),
    ),
    default: [],
    description:
      'Administrators of the dashboard and the admin API, space-separated `name:bcrypt-hash`; ' +
      'the hash comes from `en3s admin hash-password`. The name is recorded in the ledger for ' +
      'every action taken.',
    secret: true,
  },
  adminApiTokens: {
    env: 'EN3S_ADMIN_API_TOKENS',
    french:
      'Jetons des scripts qui appellent l’API d’administration, `nom:empreinte-sha256-du-jeton` ' +
      'séparés par des espaces, produits par `en3s admin new-token <nom>`. Mêmes droits qu’un ' +
      'administrateur ; le nom est inscrit au registre.',
    schema: list.pipe(
      z.array(
        z
          .string()
          .regex(
            /^[A-Za-z0-9._@-]{1,64}:[0-9a-f]{64}$/,
            'attendu : nom:sha256-hex (donné par `en3s admin new-token <nom>`)',
          ),
      ),
    ),
    default: [],
    description:
      'Tokens of scripts calling the admin API (`Authorization: Bearer …`), space-separated ' +
      '`name:sha256-hex-of-the-token`, from `en3s admin new-token <name>`. Same rights as an ' +
      'administrator; the name is recorded in the ledger.',
    secret: true,
  },
  adminSessionSecret: {
    env: 'EN3S_ADMIN_SESSION_SECRET',
    french:
      'Clé qui signe les cookies de session du tableau de bord, 32 caractères ou plus. Vide : ' +
      'une clé tirée au hasard à chaque démarrage (les sessions se terminent alors au redémarrage ' +
      'et ne sont pas partagées entre instances).',
    schema: z.string().refine((v) => v === '' || v.length >= 32, '32 caractères au moins attendus'),
    default: '',
    description:
      'Key signing the session cookies of the dashboard, 32 characters or more. Empty: a random ' +
      'key at each start (sessions then end at a restart and are not shared between instances).',
    secret: true,
  },
  adminSessionIdleMinutes: {
    env: 'EN3S_ADMIN_SESSION_IDLE_MINUTES',
    french:
      'Une session du tableau de bord se termine après cette durée sans requête, en minutes (et ' +
      'de toute façon 12 heures après la connexion).',
    schema: int(5, 1440),
    default: 60,
    description:
      'A dashboard session ends after this long without a request (and in any case 12 hours after the login).',
  },
  adminCookieSecure: {
    env: 'EN3S_ADMIN_COOKIE_SECURE',
    french:
      'Attribut « Secure » du cookie de session. `auto` : posé sauf si le service écoute sur une ' +
      'adresse locale ; derrière un proxy TLS sur la même machine, mettre `true`.',
    schema: z.enum(['auto', 'true', 'false']),
    default: 'auto',
    description:
      'Secure flag of the session cookie. `auto`: set unless `httpHost` is a loopback address; ' +
      'behind a TLS reverse proxy on the same host, set `true`.',
  },
  adminLoginAttempts: {
    env: 'EN3S_ADMIN_LOGIN_ATTEMPTS',
    french:
      'Tentatives de connexion admises d’affilée pour un même nom d’utilisateur depuis une même ' +
      'adresse ; ensuite chaque tentative attend 30 s, doublées à chaque fois jusqu’à 15 minutes ' +
      '(429 en attendant). Un succès, ou une journée sans tentative, remet à zéro. Une autre ' +
      'adresse n’est jamais retenue : personne ne peut bloquer un administrateur. Par adresse, ' +
      'quel que soit le nom : quatre fois plus de tentatives par 15 minutes.',
    schema: int(1, 1000),
    default: 5,
    description:
      'Login attempts let through at once per user name and client address together; then each ' +
      'further attempt waits 30 s, doubled at every attempt up to 15 minutes (429 meanwhile). A ' +
      'success, or a day without attempts, starts again. Another address is never held back, so ' +
      'nobody can lock an administrator out. Per client address, whatever the name: four times as ' +
      'many attempts per 15 minutes.',
  },
  adminProxyUserHeader: {
    env: 'EN3S_ADMIN_PROXY_USER_HEADER',
    french:
      'En-tête dans lequel le proxy de l’organisation transmet le nom de l’administrateur ' +
      'authentifié (par exemple `X-Remote-User`). Vide (par défaut) : désactivé. Cru seulement ' +
      'des adresses des proxys de confiance.',
    schema: z.string().regex(/^([A-Za-z0-9-]{1,64})?$/, 'nom d’en-tête HTTP attendu, par exemple X-Remote-User'),
    default: '',
    description:
      "Header in which the organisation's reverse proxy passes the authenticated administrator's " +
      'name (e.g. `X-Remote-User`). Empty (default): off. Only trusted from the addresses of ' +
      '`adminTrustedProxies`.',
  },
  adminTrustedProxies: {
    env: 'EN3S_ADMIN_TRUSTED_PROXIES',
    french:
      'Adresses des proxys de confiance, séparées par des espaces : seules leurs requêtes ' +
      'peuvent porter l’en-tête du nom de l’administrateur, et l’adresse du client (pour la ' +
      'limite des connexions) est alors lue dans leur `X-Forwarded-For` (ignoré venant de toute ' +
      'autre adresse). Vide (par défaut) : pas de proxy, et le tableau de bord, la connexion et ' +
      'l’API refusent (503 `PROXY_NOT_DECLARED`, une ligne d’erreur au journal) toute requête ' +
      'portant `X-Forwarded-For`, car derrière un proxy non déclaré tous les administrateurs ' +
      'partageraient son adresse.',
    schema: list.pipe(z.array(z.union([z.ipv4(), z.ipv6()], { error: 'adresse IP attendue' }))),
    default: [],
    description:
      'Addresses of the reverse proxies, space-separated: only requests from them may carry ' +
      '`adminProxyUserHeader`, and the client address (for the login rate limit) is then read ' +
      'from their `X-Forwarded-For` (ignored from any other peer). Empty (default): no proxy, and ' +
      'the dashboard, the login and the API refuse (503 `PROXY_NOT_DECLARED`, one error log line) ' +
      'any request carrying `X-Forwarded-For`, since behind an undeclared proxy every ' +
      'administrator would share its address.',
  },
  metricsTokenHash: {
    env: 'EN3S_METRICS_TOKEN_HASH',
    french:
      'Si renseigné, `/metrics` ne répond qu’avec `Authorization: Bearer <jeton>` dont ' +
      'l’empreinte sha256 est cette valeur. Un jeton se crée avec `en3s admin new-token ' +
      'prometheus`. Vide (par défaut) : `/metrics` est ouvert, ce qui n’est permis que si ' +
      '`httpHost` est une adresse de bouclage ; sur toute autre adresse, le service refuse de ' +
      'démarrer (code 2) sans ce jeton.',
    schema: z.string().regex(/^([0-9a-f]{64})?$/, 'empreinte sha256 (hexadécimale) du jeton attendue, ou vide'),
    default: '',
    description:
      'When set, `/metrics` answers only with `Authorization: Bearer <token>` whose sha256 hex ' +
      'is this value (a token from `en3s admin new-token prometheus`). Empty (default): ' +
      '`/metrics` is open, which is allowed only while `httpHost` is a loopback address: on any ' +
      'other address the service refuses to start (exit 2) without it.',
    secret: true,
  },
} satisfies Record<string, Setting>;

export type SettingName = keyof typeof settings;
export type Config = { [K in SettingName]: z.output<(typeof settings)[K]['schema']> };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`configuration invalide :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Reads the configuration. Every problem is listed at once, each naming the variable (or the
 * file and key) and what was expected. Throws `ConfigError` (an expected failure the caller
 * turns into exit code 2).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<SettingName, unknown>> = {},
): Config {
  const problems: string[] = [];
  let fileValues: Record<string, unknown> = {};
  const file = env.EN3S_CONFIG_FILE;
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        fileValues = parsed as Record<string, unknown>;
      else problems.push(`${file} : un objet YAML (clé: valeur) était attendu`);
    } catch (error) {
      problems.push(`${file} : illisible (${error instanceof Error ? error.message : String(error)})`);
    }
    for (const key of Object.keys(fileValues)) {
      if (!(key in settings)) problems.push(`${file} > ${key} : paramètre inconnu`);
    }
  }
  const config: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings) as [SettingName, Setting][]) {
    const fromEnv = env[setting.env];
    const raw =
      name in overrides
        ? overrides[name]
        : fromEnv !== undefined && fromEnv !== ''
          ? fromEnv
          : name in fileValues
            ? fileValues[name]
            : setting.default;
    const where =
      name in overrides
        ? name
        : fromEnv !== undefined && fromEnv !== ''
          ? setting.env
          : name in fileValues
            ? `${file} > ${name}`
            : `${name} (défaut)`;
    // zod's own messages in French too: the operator reads them at start-up.
    const result = setting.schema.safeParse(raw, { error: frenchIssues });
    if (result.success) config[name] = result.data;
    else problems.push(`${where} : ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as Config;
}

/** The configuration with secrets masked, for the dashboard's settings page and logs. */
export function describeConfig(config: Config): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings) as [SettingName, Setting][]) {
    const value = config[name];
    out[name] = setting.secret && value !== '' && !(Array.isArray(value) && value.length === 0) ? '••••••' : value;
  }
  return out;
}
