import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import type { Command } from 'commander';
import { createSandbox, defaultDemoInstant } from '../../../connectors/talentlink/sandbox/index.js';
import { loadConfig, ConfigError } from '../../config.js';
import { offsetClock } from '../../pipeline/context.js';
import { startService } from '../../service/service.js';
import { UsageError } from '../output.js';
import { startOrExplain, stopOnSignals } from './serve.js';

/**
 * `en3s demo` (what `npm start` runs): the service with a fresh embedded database, beside the
 * sandbox ATS seeded with a realistic campaign, both clocks placed inside the next window, so a
 * newcomer watches offers get their approval team, locks, EN3S's answers and a violation caught.
 */

const DEMO_DB = './data/demo.sqlite';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('démonstration : le service et un ATS de bac à sable avec une campagne fictive')
    .option('--port <port>', 'port du service', '3000')
    .option('--sandbox-port <port>', "port de l'ATS de démonstration", '3100')
    .option('--at <instant>', 'instant de départ des horloges (par défaut : dans la prochaine période)')
    .action(async (options: { port: string; sandboxPort: string; at?: string }) => {
      const port = Number(options.port);
      const sandboxPort = Number(options.sandboxPort);
      if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError(`--port : numéro de port attendu, reçu « ${options.port} »`);
      if (!Number.isInteger(sandboxPort) || sandboxPort <= 0 || sandboxPort > 65535) throw new UsageError(`--sandbox-port : numéro de port attendu, reçu « ${options.sandboxPort} »`);
      const start = options.at ? new Date(options.at) : defaultDemoInstant();
      if (Number.isNaN(start.getTime())) throw new UsageError(`--at : instant ISO 8601 attendu, reçu « ${options.at} »`);

      const secrets = process.env.EN3S_WEBHOOK_SECRETS?.trim() || `whsec_${randomBytes(24).toString('base64')}`;
      const usesOwnDb = Boolean(process.env.EN3S_DATABASE_URL);
      if (!usesOwnDb) rmSync(DEMO_DB, { force: true }), rmSync(`${DEMO_DB}-wal`, { force: true }), rmSync(`${DEMO_DB}-shm`, { force: true });
      const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
      // A demo administrator with a fresh password, unless administrators are configured.
      const ownAdmins = Boolean(process.env.EN3S_ADMIN_USERS?.trim());
      const adminPassword = ownAdmins ? null : randomBytes(9).toString('base64url');
      const adminUsers = adminPassword ? [`admin:${bcrypt.hashSync(adminPassword, 10)}`] : undefined;
      let config;
      try {
        config = loadConfig({ ...process.env, EN3S_WEBHOOK_SECRETS: secrets }, {
          ...(usesOwnDb ? {} : { databaseUrl: `sqlite:${DEMO_DB}` }),
          httpPort: port,
          atsBaseUrl: sandboxUrl,
          atsUser: 'demo:demo:BO',
          atsPassword: 'demo',
          atsApiKey: 'demo',
          ...(adminUsers ? { adminUsers } : {}),
        });
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      const sandbox = createSandbox({
        clockStart: start.toISOString(),
        webhookUrls: [`http://127.0.0.1:${port}/webhooks/talentlink`],
        webhookSecrets: secrets.split(/\s+/).filter(Boolean),
        seed: 2027,
      });
      await sandbox.start(sandboxPort, '127.0.0.1');
      const service = await startOrExplain(() => startService({ config, clock: offsetClock(start) }));
      const campaign = sandbox.seedDemoCampaign({ now: start });
      const life = sandbox.startDemoLife(campaign, {});
      process.stdout.write(
        [
          '',
          'Démonstration du connecteur EN3S',
          `  Tableau de bord                 ${service.url}/admin${adminPassword ? `   (utilisateur admin, mot de passe ${adminPassword})` : ''}`,
          `  Service (webhooks, métriques)   ${service.url}   — /healthz, /readyz, /metrics`,
          `  ATS de démonstration            ${sandboxUrl}/tlk/rest   (utilisateur demo:demo:BO, mot de passe demo, api_key demo)`,
          `  Horloge de la démonstration     ${start.toISOString()} (dans la période EN3S ${start.getUTCFullYear()})`,
          `  ${campaign.jobs.length} offres créées ; suivez le journal ci-dessous : équipe EN3S posée, publication verrouillée,`,
          "  réponses de l'EN3S, une publication sans accord retirée.",
          '  Ctrl+C pour arrêter.',
          '',
        ].join('\n'),
      );
      stopOnSignals(async () => {
        life.stop();
        await service.stop();
        await sandbox.stop();
      });
    });
}
