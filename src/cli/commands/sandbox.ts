import { Command, Option } from 'commander';
import { runSandboxServer } from '../../../connectors/talentlink/sandbox/serve.js';
import { addServeOptions, serveConfigFrom, ServeOptionsError } from '../../../connectors/talentlink/sandbox/serve-options.js';
import { UsageError, writeError, writeJsonLine } from '../output.js';

/**
 * `en3s sandbox …`: runs the TalentLink sandbox (`serve`) and drives a running one over its
 * driver API, acting as a recruiter (create-offer, add-team, submit, publish) or as EN3S
 * (validate, refuse). Uses Node's `fetch`: axios belongs to the connector's client only.
 */

const grids = ['RG', 'MSA', 'MINES', 'RS', 'ARS', 'RSI'];
const categories = ['EMPLOYE', 'CADRE', 'AGENT_DE_DIRECTION', 'AGENT_COMPTABLE'];
const agreements = ['CCNT_RG', 'CCN_MSA', 'PUBLIC', 'OTHER'];

interface DriverFlags {
  url: string;
  json?: boolean;
}

function baseUrl(flags: DriverFlags): string {
  if (!URL.canParse(flags.url)) throw new UsageError(`--url : URL invalide « ${flags.url} »`);
  return flags.url.replace(/\/+$/, '');
}

function jobIdArg(value: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(value)) throw new UsageError(`identifiant d'offre invalide « ${value} »`);
  return value;
}

/** Calls the driver API; answers the parsed JSON, or sets exit code 1 and says why in French. */
async function call(flags: DriverFlags, method: string, path: string, body?: unknown): Promise<Record<string, unknown> | null> {
  const url = `${baseUrl(flags)}/sandbox${path}`;
  let response: Response;
  try {
    response = await fetch(url, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  } catch (error) {
    writeError(`bac à sable injoignable à ${baseUrl(flags)} (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)})`);
    process.exitCode = 1;
    return null;
  }
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    writeError(`refusé par le bac à sable (HTTP ${response.status} ${String(parsed.code ?? '')}) : ${String(parsed.message ?? '')}`);
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

function describeJob(job: Record<string, unknown>): string {
  const approval = job.approvalProcess as { status?: string } | undefined;
  const lock = job.publicationLock as { locked?: boolean } | undefined;
  const postings = (job.postings as { channel: string; status: string }[] | undefined) ?? [];
  return `offre ${String(job.id)} (${String(job.jobNumber)}, version ${String(job.version)}) : approbation ${approval?.status ?? 'non lancée'}, publication ${lock?.locked ? 'verrouillée' : 'libre'}, annonces ${postings.map((p) => `${p.channel} ${p.status}`).join(', ') || 'aucune'}`;
}

function driver(parent: Command, name: string, description: string): Command {
  return parent
    .command(name)
    .description(description)
    .addOption(new Option('--url <url>', 'adresse du bac à sable').env('EN3S_SANDBOX_URL').default('http://127.0.0.1:3100'))
    .option('--json', 'sortie JSON');
}

export function registerSandbox(program: Command): void {
  const sandbox = program.command('sandbox').description('Bac à sable TalentLink : lancer le serveur et agir comme un recruteur ou comme EN3S');

  addServeOptions(sandbox.command('serve').description('Lancer le bac à sable TalentLink (API /tlk/rest, files, webhooks, pilotage /sandbox)')).action(async (flags: Record<string, unknown>) => {
    let config;
    try {
      config = serveConfigFrom(flags, process.env);
    } catch (error) {
      if (error instanceof ServeOptionsError) throw new UsageError(error.message);
      throw error;
    }
    try {
      const running = await runSandboxServer(config);
      await running.stopped;
    } catch (error) {
      if (error instanceof RangeError) throw new UsageError(error.message);
      throw error;
    }
  });

  driver(sandbox, 'create-offer', 'Créer une offre comme un recruteur')
    .requiredOption('--org-code <code>', "code de l'organisme (ex. CPAM-GIRONDE)")
    .requiredOption('--org-name <nom>', "nom de l'organisme (ex. « CPAM de la Gironde »)")
    .requiredOption('--title <intitulé>', 'intitulé du poste')
    .option('--grid <grille>', `grille de classification (${grids.join(', ')})`)
    .option('--level <niveau>', 'niveau ou groupe (ex. 7, 5A, L)')
    .option('--category <catégorie>', `catégorie (${categories.join(', ')})`)
    .option('--family <famille>', 'famille de métier (ex. CHEF_DE_SERVICE)')
    .option('--mines-scale <échelle>', 'échelle du régime des mines')
    .option('--mines-career-start', 'échelle de début de carrière')
    .option('--agreement <convention>', `convention collective (${agreements.join(', ')})`)
    .option('--requisition <numéro>', 'numéro de demande')
    .option('--with-team', "ajouter l'équipe d'approbation « EN3S dérogation » dès la création")
    .action(async (o: DriverFlags & Record<string, string | boolean | undefined>) => {
      const fields: Record<string, string> = {};
      const grid = typeof o.grid === 'string' ? o.grid.toUpperCase() : undefined;
      if (grid !== undefined && !grids.includes(grid)) throw new UsageError(`--grid : une valeur parmi ${grids.join(', ')} attendue, reçu « ${String(o.grid)} »`);
      const category = typeof o.category === 'string' ? o.category.toUpperCase() : undefined;
      if (category !== undefined && !categories.includes(category)) throw new UsageError(`--category : une valeur parmi ${categories.join(', ')} attendue, reçu « ${String(o.category)} »`);
      const agreement = typeof o.agreement === 'string' ? o.agreement.toUpperCase() : undefined;
      if (agreement !== undefined && !agreements.includes(agreement)) throw new UsageError(`--agreement : une valeur parmi ${agreements.join(', ')} attendue, reçu « ${String(o.agreement)} »`);
      if (o.minesScale !== undefined && !/^\d{1,2}$/.test(String(o.minesScale))) throw new UsageError(`--mines-scale : un entier attendu, reçu « ${String(o.minesScale)} »`);
      if (typeof o.level === 'string' && !/^[A-Za-z0-9]{1,4}$/.test(o.level)) throw new UsageError(`--level : un libellé de niveau attendu (ex. 7, 5A, L), reçu « ${o.level} »`);
      if (grid) fields.CLASSIFICATION_GRID = grid;
      if (typeof o.level === 'string') fields.CLASSIFICATION_LEVEL = o.level.toUpperCase();
      if (category) fields.JOB_CATEGORY = category;
      if (typeof o.family === 'string') fields.JOB_FAMILY = o.family;
      if (o.minesScale !== undefined) fields.MINES_SCALE = String(o.minesScale);
      if (o.minesCareerStart) fields.MINES_CAREER_START = 'true';
      if (agreement) fields.COLLECTIVE_AGREEMENT = agreement;
      const body = {
        title: o.title,
        organization: { code: o.orgCode, name: o.orgName },
        customFields: fields,
        ...(typeof o.requisition === 'string' ? { requisitionNumber: o.requisition } : {}),
        ...(o.withTeam ? { approvalTeam: 'EN3S dérogation' } : {}),
      };
      const job = await call(o, 'POST', '/jobs', body);
      if (job) say(o, job, `Créée : ${describeJob(job)}`);
    });

  const jobAction = (name: string, description: string, path: string | ((o: Record<string, unknown>) => string), done: string, extra?: (c: Command) => Command, bodyOf?: (o: Record<string, unknown>) => unknown) => {
    const command = driver(sandbox, `${name} <jobId>`, description);
    (extra ? extra(command) : command).action(async (jobId: string, o: DriverFlags & Record<string, unknown>) => {
      const id = jobIdArg(jobId);
      const job = await call(o, 'POST', `/jobs/${encodeURIComponent(id)}${typeof path === 'string' ? path : path(o)}`, bodyOf ? bodyOf(o) : {});
      if (job) say(o, job, `${done} : ${describeJob(job)}`);
    });
  };
  jobAction('add-team', "Ajouter l'équipe d'approbation comme un recruteur", '/approval-team', 'Équipe ajoutée', (c) => c.option('--team <nom>', "équipe d'approbation", 'EN3S dérogation'), (o) => ({ name: o.team }));
  jobAction('submit', 'Soumettre pour approbation comme un recruteur', '/submit', 'Soumise', (c) => c.option('--due-date <aaaa-mm-jj>', "date d'échéance"), (o) => {
    if (o.dueDate !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(o.dueDate))) throw new UsageError(`--due-date : date aaaa-mm-jj attendue, reçu « ${String(o.dueDate)} »`);
    return o.dueDate ? { dueDate: o.dueDate } : {};
  });
  jobAction('publish', 'Publier comme un recruteur (refusé tant que la publication est verrouillée)', (o) => (o.force ? '/force-publish' : '/publish'), 'Publiée', (c) => c.option('--channel <canal>', 'canal de publication', 'UCANSS').option('--force', 'publier malgré le verrou (simule une infraction)'), (o) => ({ channel: o.channel }));
  jobAction('validate', 'Valider la demande comme EN3S (« validé »)', '/validate', 'Validée', (c) => c.option('--comment <texte>', 'commentaire'), (o) => (o.comment ? { comment: o.comment } : {}));
  jobAction('refuse', 'Refuser la demande comme EN3S (« refusé »)', '/refuse', 'Refusée', (c) => c.option('--comment <texte>', 'commentaire'), (o) => (o.comment ? { comment: o.comment } : {}));
  jobAction('close', "Clore l'offre", '/close', 'Close');

  driver(sandbox, 'counters', 'Afficher les compteurs du bac à sable')
    .option('--job <jobId>', "compteurs d'une seule offre")
    .action(async (o: DriverFlags & { job?: string }) => {
      const query = o.job ? `?jobId=${encodeURIComponent(jobIdArg(o.job))}` : '';
      const counters = await call(o, 'GET', `/counters${query}`);
      if (counters) process.stdout.write(`${JSON.stringify(o.job ? counters : { overall: counters.overall, notifications: counters.notifications, http: counters.http, queues: counters.queues }, null, o.json ? 0 : 2)}\n`);
    });

  driver(sandbox, 'clock', "Lire ou régler l'horloge du bac à sable")
    .option('--set <iso>', "placer l'horloge à cet instant (ISO-8601)")
    .option('--freeze', "figer l'horloge")
    .option('--advance <secondes>', "avancer l'horloge")
    .action(async (o: DriverFlags & { set?: string; freeze?: boolean; advance?: string }) => {
      const body: Record<string, unknown> = {};
      if (o.set !== undefined) {
        if (Number.isNaN(Date.parse(o.set)) || !/^\d{4}-\d{2}-\d{2}T/.test(o.set)) throw new UsageError(`--set : instant ISO-8601 attendu (ex. 2027-01-15T09:00:00+01:00), reçu « ${o.set} »`);
        body.set = new Date(o.set).toISOString();
      }
      if (o.freeze) body.freeze = true;
      if (o.advance !== undefined) {
        const seconds = Number(o.advance);
        if (!Number.isFinite(seconds)) throw new UsageError(`--advance : un nombre de secondes attendu, reçu « ${o.advance} »`);
        body.advanceMs = seconds * 1000;
      }
      const clock = Object.keys(body).length === 0 ? await call(o, 'GET', '/clock') : await call(o, 'POST', '/clock', body);
      if (clock) say(o, clock, `Horloge du bac à sable : ${new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' }).format(new Date(String(clock.now)))} (${clock.mode === 'frozen' ? 'figée' : 'en marche'})`);
    });
}
