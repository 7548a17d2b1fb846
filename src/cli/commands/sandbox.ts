import { type Command, Option } from 'commander';
import { startDemoLife, startSandbox } from '../../../connectors/registry.js';
import { INSTANT_HELP, parseInstantOption } from '../instants.js';
import { UsageError, writeError, writeJsonLine } from '../output.js';

/**
 * `en3s sandbox …`: runs the simulated TalentLink tenant (`serve`) and acts in a running one over
 * its driver API (`/sandbox`), as a recruiter (create-job, set-team, submit, publish, close) or as
 * an approver (approve, refuse), and reads its counters or sets its clock. The driver is not
 * part of the TalentLink contract: the connector never calls it. Uses Node's `fetch`.
 */

interface DriverFlags {
  url: string;
  json?: boolean;
}

const EN3S_USER_ID = '101';

function baseUrl(flags: DriverFlags): string {
  if (!URL.canParse(flags.url)) throw new UsageError(`--url : URL invalide « ${flags.url} »`);
  return flags.url.replace(/\/+$/, '');
}

function idArg(value: string, what: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(value))
    throw new UsageError(`${what} : identifiant numérique attendu, reçu « ${value} »`);
  return Number(value);
}

function idList(value: string | undefined, what: string): number[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)
    .map((v) => idArg(v, what));
}

function intOption(value: string | undefined, what: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${what} : un entier entre ${min} et ${max} attendu, reçu « ${value} »`);
  return n;
}

/** The sandbox's JSON answers, read loosely: this command only shows them. */
// biome-ignore lint/suspicious/noExplicitAny: the answers' fields are printed as they come, never trusted
type Json = any;

/** Why fetch failed: its cause (the refused connection) rather than its bare "fetch failed". */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/** Calls the driver API; answers the parsed JSON, or sets exit code 1 and says why in French. */
async function call(flags: DriverFlags, method: string, path: string, body?: unknown): Promise<Json> {
  const url = `${baseUrl(flags)}/sandbox${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    writeError(`bac à sable injoignable à ${baseUrl(flags)} (${reasonOf(error)})`);
    process.exitCode = 1;
    return null;
  }
  const text = await response.text();
  let parsed: Json = {};
  try {
    parsed = text ? JSON.parse(text) : {};
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    writeError(
      `refusé par le bac à sable (HTTP ${response.status} ${String(parsed?.code ?? '')}) : ` +
        `${String(parsed?.message ?? '')}`,
    );
    process.exitCode = 1;
    if (flags.json) writeJsonLine(parsed);
    return null;
  }
  return parsed;
}

function say(flags: DriverFlags, payload: unknown, line: string): void {
  if (flags.json) writeJsonLine(payload);
  else process.stdout.write(`${line}\n`);
}

const names = (members: unknown): string =>
  Array.isArray(members) && members.length > 0
    ? members
        .map((m: { user?: { id?: number; fullName?: string } }) => `${m.user?.fullName ?? '?'} (${m.user?.id ?? '?'})`)
        .join(', ')
    : 'aucun';

/** A job as the API shows it (`OpeningFullDto`), in one French line. */
function describeJob(job: Json): string {
  return (
    `offre ${String(job.id)} (${String(job.jobNumber)}) « ${String(job.jobTitle)} » : statut « ${String(job.status)} ` +
    `», approbateurs : ${names(job.team?.approvers)}`
  );
}

function driver(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(
      new Option('--url <url>', 'adresse du bac à sable').env('EN3S_SANDBOX_URL').default('http://127.0.0.1:3100'),
    )
    .option('--json', 'sortie JSON');
}

const formatFrench = (date: Date): string =>
  new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' }).format(date);

interface ServeFlags {
  port: string;
  host: string;
  user: string;
  password: string;
  apiKey: string;
  callsPerSecond: string;
  monthlyQuota?: string;
  alertUrl?: string;
  clock?: string;
  freezeClock?: boolean;
  seed?: string;
  demo?: boolean;
  demoLife?: boolean;
}

async function serve(flags: ServeFlags): Promise<void> {
  const port = intOption(flags.port, '--port', 0, 65_535)!;
  const callsPerSecond = intOption(flags.callsPerSecond, '--calls-per-second', 0, 10_000)!;
  const monthlyQuota = intOption(flags.monthlyQuota, '--monthly-quota', 1, 1_000_000_000) ?? null;
  const seed = intOption(flags.seed, '--seed', 0, 2 ** 31 - 1);
  const clockStart = parseInstantOption(flags.clock, '--clock');
  if (!/^[^:]+:[^:]+:BO$/.test(flags.user))
    throw new UsageError(`--user : « Société:utilisateur:BO » attendu, reçu « ${flags.user} »`);
  const alertUrls = (flags.alertUrl ?? '').split(/[\s,]+/).filter(Boolean);
  for (const u of alertUrls)
    if (!URL.canParse(u) || !/^https?:$/.test(new URL(u).protocol))
      throw new UsageError(`--alert-url : URL http(s) invalide « ${u} »`);
  if (flags.demoLife && !flags.demo) throw new UsageError('--demo-life : seulement avec --demo');

  const sandbox = await startSandbox({
    port,
    host: flags.host,
    user: flags.user,
    password: flags.password,
    apiKey: flags.apiKey,
    callsPerSecond,
    monthlyQuota,
    alertUrls,
    ...(clockStart ? { clockStart } : {}),
    frozenClock: flags.freezeClock === true,
    ...(seed !== undefined ? { seed } : {}),
    demo: flags.demo === true,
  });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`Bac à sable TalentLink démarré : ${sandbox.url} (API ${sandbox.apiUrl}, pilotage ${sandbox.url}/sandbox)`);
  out(
    `Passerelle : ` +
      `${callsPerSecond > 0 ? `${callsPerSecond} appels par seconde` : 'sans limite'}` +
      `${monthlyQuota ? `, quota de ${monthlyQuota} appels sur 30 jours` : ''}`,
  );
  out(`Horloge du bac à sable : ${formatFrench(sandbox.tenant.clock.now())}${flags.freezeClock ? ' (figée)' : ''}`);
  out(
    alertUrls.length > 0
      ? `Alertes des files : ${alertUrls.length} adresse(s)`
      : 'Alertes des files : aucune adresse (files lues par minuterie seulement)',
  );
  if (sandbox.campaign) out(`Campagne de démonstration : ${sandbox.campaign.jobs.length} offres créées`);
  const life = flags.demoLife
    ? startDemoLife(sandbox, {
        submitOnceEn3sAdded: true,
        onAction: (a) => out(`Démonstration : ${a.actor} ${a.action} offre ${a.jobId} → ${a.outcome}`),
      })
    : null;
  if (life) out('Animation de la démonstration lancée (soumissions des recruteurs, réponses de l’EN3S, publications)');

  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = () => {
      if (stopping) return;
      stopping = true;
      life?.stop();
      void sandbox.stop().then(() => {
        out('Bac à sable arrêté');
        resolve();
      });
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}

export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('Bac à sable TalentLink : lancer le locataire simulé et y agir comme un recruteur ou un approbateur');

  sandbox
    .command('serve')
    .description('Lancer le bac à sable TalentLink (API /tlk/rest, files et alertes, pilotage /sandbox)')
    .addOption(new Option('--port <port>', "port d'écoute").env('EN3S_SANDBOX_PORT').default('3100'))
    .addOption(new Option('--host <adresse>', "adresse d'écoute").env('EN3S_SANDBOX_HOST').default('127.0.0.1'))
    .addOption(
      new Option('--user <Société:utilisateur:BO>', "utilisateur de l'API")
        .env('EN3S_SANDBOX_USER')
        .default('demo:demo:BO'),
    )
    .addOption(
      new Option('--password <mot-de-passe>', "mot de passe de l'API").env('EN3S_SANDBOX_PASSWORD').default('demo'),
    )
    .addOption(
      new Option('--api-key <clé>', "clé d'API (paramètre api_key)").env('EN3S_SANDBOX_API_KEY').default('demo'),
    )
    .addOption(
      new Option('--calls-per-second <n>', 'appels par seconde et par clé (0 : illimité)')
        .env('EN3S_SANDBOX_CALLS_PER_SECOND')
        .default('8'),
    )
    .addOption(
      new Option('--monthly-quota <n>', "quota d'appels sur 30 jours glissants").env('EN3S_SANDBOX_MONTHLY_QUOTA'),
    )
    .addOption(
      new Option('--alert-url <urls>', 'adresse(s) des alertes des files, séparées par des virgules').env(
        'EN3S_SANDBOX_ALERT_URLS',
      ),
    )
    .addOption(
      new Option('--clock <instant>', `instant de départ de l'horloge (${INSTANT_HELP})`).env('EN3S_SANDBOX_CLOCK'),
    )
    .option('--freeze-clock', 'horloge figée')
    .addOption(
      new Option('--seed <n>', 'graine des tirages (pannes, réponses de la démonstration)').env('EN3S_SANDBOX_SEED'),
    )
    .option('--demo', 'créer la campagne de démonstration')
    .option('--demo-life', 'animer la démonstration (soumissions, réponses de l’EN3S, publications)')
    .action(serve);

  driver(sandbox, 'create-job', 'Créer une offre comme un recruteur')
    .requiredOption('--org <id>', "identifiant de l'organisme dans l'arbre du locataire (ex. 101 : CPAM de la Gironde)")
    .requiredOption('--title <intitulé>', 'intitulé du poste')
    .option('--recruiters <ids>', 'recruteurs (identifiants, séparés par des virgules)', '111')
    .option('--grid <grille>', 'Grille de classification (ex. « Régime général »)')
    .option('--level <niveau>', 'Niveau ou groupe (ex. 7, 5A, L)')
    .option('--category <catégorie>', "Catégorie d'emploi (ex. Cadre)")
    .option('--family <famille>', "Famille d'emploi")
    .option('--agreement <convention>', 'Convention collective')
    .option('--mines-scale <échelle>', 'Échelle (mines)')
    .option('--mines-career-start <oui|non>', 'Début de carrière (mines)')
    .action(async (o: DriverFlags & Record<string, string | undefined>) => {
      const classification: Record<string, string> = {};
      for (const key of ['grid', 'level', 'category', 'family', 'agreement', 'minesScale', 'minesCareerStart'])
        if (typeof o[key] === 'string') classification[key] = o[key];
      const job = await call(o, 'POST', '/jobs', {
        title: o.title,
        organizationId: idArg(String(o.org), '--org'),
        recruiterIds: idList(o.recruiters, '--recruiters'),
        classification,
      });
      if (job) say(o, job, `Créée : ${describeJob(job)}`);
    });

  driver(sandbox, 'set-team <jobId>', "Poser l'équipe d'une offre comme un recruteur (remplace les listes données)")
    .option('--recruiters <ids>', 'recruteurs (identifiants, séparés par des virgules)')
    .option('--approvers <ids>', 'approbateurs, dans l’ordre (ex. 121,101)')
    .action(async (jobId: string, o: DriverFlags & { recruiters?: string; approvers?: string }) => {
      const id = idArg(jobId, 'offre');
      const current = await call(o, 'GET', `/jobs/${id}`);
      if (!current) return;
      // The lists not given are sent as they are, so that only the given ones change.
      const write = (members: Json[] | undefined) =>
        (members ?? []).map((m) => ({
          order: m.order,
          user: { id: m.user.id },
          lovValue: m.lovValue ?? null,
          ...(m.stepOrder !== undefined ? { stepOrder: m.stepOrder } : {}),
        }));
      const team: Record<string, unknown> = {
        recruiters: write(current.team?.recruiters),
        operationals: write(current.team?.operationals),
        approvers: write(current.team?.approvers),
      };
      if (o.recruiters !== undefined)
        team.recruiters = idList(o.recruiters, '--recruiters').map((u, i) => ({ order: i + 1, user: { id: u } }));
      if (o.approvers !== undefined)
        team.approvers = idList(o.approvers, '--approvers').map((u, i) => ({
          order: i + 1,
          stepOrder: i + 1,
          user: { id: u },
        }));
      const job = await call(o, 'PUT', `/jobs/${id}/team?mode=replace`, team);
      if (job) say(o, job, `Équipe posée : ${describeJob(job)}`);
    });

  const jobAction = (name: string, description: string, path: string, done: string, withUser = false) => {
    const command = driver(sandbox, `${name} <jobId>`, description);
    if (withUser) command.option('--user <id>', 'approbateur qui répond (101 : EN3S dérogation)', EN3S_USER_ID);
    command.action(async (jobId: string, o: DriverFlags & { user?: string }) => {
      const id = idArg(jobId, 'offre');
      const answer = await call(
        o,
        'POST',
        `/jobs/${id}${path}`,
        withUser ? { userId: idArg(String(o.user), '--user') } : {},
      );
      if (answer)
        say(
          o,
          answer,
          `${done} : ` +
            `${path === '/publish' ? `annonce ${String(answer.id)} (${String(answer.status)})` : describeJob(answer)}`,
        );
    });
  };
  jobAction(
    'submit',
    'Soumettre pour approbation comme un recruteur (les approbateurs de la soumission sont ' +
      'ceux de l’équipe à cet instant)',
    '/submit',
    'Soumise',
  );
  jobAction('approve', 'Approuver comme un approbateur de la soumission en cours', '/approve', 'Approuvée', true);
  jobAction('refuse', 'Refuser comme un approbateur de la soumission en cours', '/refuse', 'Refusée', true);
  jobAction(
    'publish',
    'Publier comme un recruteur (refusé pendant la période EN3S tant que l’offre a des ' +
      'approbateurs et n’est pas approuvée)',
    '/publish',
    'Publiée',
  );
  jobAction('close', "Clôturer l'offre", '/close', 'Clôturée');
  jobAction('cancel', "Annuler l'offre", '/cancel', 'Annulée');

  driver(sandbox, 'show <jobId>', "Afficher une offre comme l'API la montre").action(
    async (jobId: string, o: DriverFlags) => {
      const job = await call(o, 'GET', `/jobs/${idArg(jobId, 'offre')}`);
      if (job) say(o, job, describeJob(job));
    },
  );

  driver(
    sandbox,
    'counters',
    'Afficher les compteurs du bac à sable (appels, refus de la passerelle, alertes, files)',
  ).action(async (o: DriverFlags) => {
    const counters = await call(o, 'GET', '/counters');
    if (counters) process.stdout.write(`${JSON.stringify(counters, null, o.json ? 0 : 2)}\n`);
  });

  driver(sandbox, 'clock', "Lire ou régler l'horloge du bac à sable")
    .option('--set <instant>', `placer l'horloge à cet instant (${INSTANT_HELP})`)
    .option('--freeze', "figer l'horloge")
    .option('--advance <secondes>', "avancer l'horloge")
    .action(async (o: DriverFlags & { set?: string; freeze?: boolean; advance?: string }) => {
      const body: Record<string, unknown> = {};
      const at = parseInstantOption(o.set, '--set');
      if (at) body.at = at.toISOString();
      if (o.freeze) body.frozen = true;
      if (o.advance !== undefined) {
        const seconds = Number(o.advance);
        if (o.advance.trim() === '' || !Number.isFinite(seconds))
          throw new UsageError(`--advance : un nombre de secondes attendu, reçu « ${o.advance} »`);
        body.advanceMs = seconds * 1000;
      }
      const clock =
        Object.keys(body).length === 0 ? await call(o, 'GET', '/clock') : await call(o, 'POST', '/clock', body);
      if (clock)
        say(
          o,
          clock,
          `Horloge du bac à sable : ${formatFrench(new Date(String(clock.now)))} (` +
            `${clock.mode === 'frozen' ? 'figée' : 'en marche'})`,
        );
    });
}
