import type { Command } from 'commander';
import { metricsExposureProblem } from '../../admin/index.js';
import { ConfigError, loadConfig, type Config } from '../../config.js';
import { MappingError } from '../../mappings/yaml-file.js';
import { businessClock } from '../../clock.js';
import { startService, type RunningService } from '../../service/service.js';
import { DatabaseConnectionError, DatabaseUrlError } from '../../store/database.js';
import { UsageError, writeError } from '../output.js';

/**
 * `en3s serve`: the service for production. Every setting comes from the environment or the
 * config file, validated at start-up with one message listing every problem; it refuses to
 * start without an alert token and ATS credentials.
 */

export function productionProblems(config: Config): string[] {
  const problems: string[] = [];
  if (config.alertTokens.length === 0)
    problems.push("EN3S_ALERT_TOKEN : au moins un jeton est requis pour l'adresse d'alerte des files de l'ATS");
  if (!config.atsBaseUrl) problems.push("EN3S_ATS_BASE_URL : l'adresse de TalentLink est requise");
  if (!config.atsUser) problems.push("EN3S_ATS_USER : l'utilisateur API (Société:utilisateur:BO) est requis");
  else if (!/^[^:]+:[^:]+:BO$/.test(config.atsUser)) problems.push('EN3S_ATS_USER : attendu Société:utilisateur:BO');
  if (!config.atsPassword) problems.push('EN3S_ATS_PASSWORD : le mot de passe API est requis');
  if (!config.atsApiKey) problems.push("EN3S_ATS_API_KEY : la clé d'API est requise");
  if (config.mailMode === 'smtp' && !config.mailSmtpUrl)
    problems.push("EN3S_MAIL_SMTP_URL : l'adresse du serveur SMTP est requise en mode smtp");
  if (config.mailMode === 'smtp' && !config.mailFrom)
    problems.push("EN3S_MAIL_FROM : l'expéditeur des courriels est requis en mode smtp");
  const exposed = metricsExposureProblem(config);
  if (exposed) problems.push(exposed);
  return problems;
}

/**
 * The service runs without any administrator (the dashboard and the API then refuse everyone):
 * legitimate behind a proxy set up later, but worth saying at start-up, in the administrator's words.
 */
export function noAdministratorWarning(config: Config): string | null {
  if (config.adminUsers.length > 0 || config.adminApiTokens.length > 0 || config.adminProxyUserHeader !== '')
    return null;
  return (
    'aucun administrateur configuré : le tableau de bord et l’API refusent toute connexion. ' +
    'Renseignez EN3S_ADMIN_USERS (nom:empreinte bcrypt ; l’empreinte s’obtient avec « en3s ' +
    'admin hash-password », le mot de passe lu sur l’entrée standard), ' +
    'ou EN3S_ADMIN_API_TOKENS (« en3s admin new-token <nom> »), puis redémarrez le service.'
  );
}

export function readConfigOrExplain(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** Stops the service on SIGTERM / SIGINT, then lets the process end. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`en3s : ${signal} reçu, arrêt en cours…\n`);
    stop()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        process.stderr.write(`en3s : arrêt incomplet (${error instanceof Error ? error.message : String(error)})\n`);
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

export async function startOrExplain(start: () => Promise<RunningService>): Promise<RunningService> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    if (error instanceof MappingError)
      throw new UsageError(`fichiers de règles invalides :\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    // A database that cannot be reached or named is the administrator's to fix, like a bad
    // setting: a clear message and exit 2 (systemd's Restart=on-failure tries again later).
    if (error instanceof DatabaseConnectionError || error instanceof DatabaseUrlError)
      throw new UsageError(`base de données : ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`le port est déjà utilisé (${(error as Error).message})`);
    throw error;
  }
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('lance le service (webhooks, traitements, tableau de bord) avec la configuration de production')
    .action(async () => {
      const config = readConfigOrExplain();
      const problems = productionProblems(config);
      if (problems.length > 0)
        throw new UsageError(`configuration incomplète :\n${problems.map((p) => `  - ${p}`).join('\n')}`);
      // Demos and tests only (the settings say so): the business clock placed at EN3S_CLOCK_START,
      // or moved by EN3S_CLOCK_OFFSET_MS from the real time.
      // Refused after the start (a late join, see `onRefused`): stopped already; exit 2 as at start-up.
      const onRefused = (error: ConfigError) => {
        writeError(error.message);
        process.exit(2);
      };
      const service = await startOrExplain(() => startService({ config, clock: businessClock(config), onRefused }));
      const noAdministrator = noAdministratorWarning(config);
      if (noAdministrator) service.ctx.log.warn(noAdministrator);
      stopOnSignals(() => service.stop({ delayMs: config.shutdownDelayMs }));
    });
}
