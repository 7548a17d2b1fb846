import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import type { Command } from 'commander';
import { defaultDemoInstant, startDemoLife, startSandbox } from '../../../connectors/registry.js';
import { loadConfig, ConfigError } from '../../config.js';
import { offsetClock } from '../../clock.js';
import { startService, type RunningService } from '../../service/service.js';
import { listRecentMails } from '../../store/recruiter-mails.js';
import { INSTANT_HELP, parseInstantOption } from '../instants.js';
import { UsageError } from '../output.js';
import { createLogger } from '../../service/logger.js';
import { DEMO_DB } from './db.js';
import { summarisingLogger } from './demo-summary.js';
import { startOrExplain, stopOnSignals } from './serve.js';

/**
 * `en3s demo` (what `npm start` runs): the service on a fresh embedded database beside the
 * sandbox TalentLink tenant at the real limit of 8 calls per second, seeded with a campaign of
 * every régime, both clocks inside the next window. The tenant alerts the service through its
 * alert URL; the service sets the EN3S approver, asks recruiters by e-mail (kept in the local
 * mailbox), takes down a posting published too early. The demo's people act in the tenant:
 * recruiters submit once the mail reaches them, EN3S approves or refuses. The log tells it all,
 * the mails included (their subject and recipients' user ids, never an address).
 */

function portOption(value: string, flag: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port <= 0 || port > 65535)
    throw new UsageError(`${flag} : numéro de port attendu, reçu « ${value} »`);
  return port;
}

/** Logs every mail the service sent (read from its mail ledger) and hands the requests to the recruiters. */
function watchMails(service: RunningService, onAsked: (jobId: number) => void): () => void {
  const seen = new Set<number>();
  let busy = false;
  const poll = async () => {
    if (busy) return;
    busy = true;
    try {
      const mails = await listRecentMails(service.ctx.store.db, 500);
      for (const mail of mails.reverse()) {
        if (mail.status !== 'sent' || seen.has(mail.id)) continue;
        seen.add(mail.id);
        service.ctx.log.info('mail sent', {
          kind: mail.kind,
          jobId: mail.ats_id,
          subject: mail.subject,
          audience: mail.audience,
          recipientIds: mail.recipient_ids,
        });
        if (mail.audience === 'recruiters') onAsked(Number(mail.ats_id));
      }
    } catch (error) {
      service.ctx.log.warn('demo mailbox unreadable', {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void poll(), 1_000);
  timer.unref();
  return () => clearInterval(timer);
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('démonstration : le service et un locataire TalentLink simulé avec une campagne fictive')
    .option('--port <port>', 'port du service', '3000')
    .option('--sandbox-port <port>', 'port du locataire TalentLink simulé', '3100')
    .option('--at <instant>', `instant de départ des horloges, par défaut dans la prochaine période (${INSTANT_HELP})`)
    .action(async (options: { port: string; sandboxPort: string; at?: string }) => {
      const port = portOption(options.port, '--port');
      const sandboxPort = portOption(options.sandboxPort, '--sandbox-port');
      const start = parseInstantOption(options.at, '--at') ?? defaultDemoInstant();

      const token = process.env.EN3S_ALERT_TOKEN?.trim().split(/\s+/)[0] || randomBytes(24).toString('base64url');
      const usesOwnDb = Boolean(process.env.EN3S_DATABASE_URL);
      if (!usesOwnDb) for (const file of [DEMO_DB, `${DEMO_DB}-wal`, `${DEMO_DB}-shm`]) rmSync(file, { force: true });
      const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
      // A demo administrator with a fresh password, unless administrators are configured.
      const ownAdmins = Boolean(process.env.EN3S_ADMIN_USERS?.trim());
      const adminPassword = ownAdmins ? null : randomBytes(9).toString('base64url');
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig(
          { ...process.env, EN3S_ALERT_TOKEN: process.env.EN3S_ALERT_TOKEN?.trim() || token },
          {
            ...(usesOwnDb ? {} : { databaseUrl: `sqlite:${DEMO_DB}` }),
            httpPort: port,
            atsBaseUrl: sandboxUrl,
            atsUser: 'demo:demo:BO',
            atsPassword: 'demo',
            atsApiKey: 'demo',
            ...(process.env.EN3S_MAIL_MODE ? {} : { mailMode: 'mailbox', mailFrom: 'en3s@en3s.demo' }),
            ...(adminPassword ? { adminUsers: [`admin:${bcrypt.hashSync(adminPassword, 10)}`] } : {}),
          },
        );
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      // The tenant of the demo keeps the real gateway's limit: 8 calls per second.
      const sandbox = await startSandbox({
        port: sandboxPort,
        host: '127.0.0.1',
        callsPerSecond: 8,
        alertUrls: [`http://127.0.0.1:${port}/webhooks/talentlink/${token}`],
        clockStart: start,
        seed: 2027,
        demo: true,
      }).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
          throw new UsageError(`--sandbox-port : le port ${sandboxPort} est déjà utilisé`);
        throw error;
      });
      // At the end of each phase of activity, one French line sums up what the log told.
      const summary = summarisingLogger(createLogger(config.logLevel));
      let service: RunningService;
      try {
        service = await startOrExplain(() =>
          startService({ config, clock: offsetClock(start), logger: summary.logger }),
        );
      } catch (error) {
        await sandbox.stop();
        throw error;
      }
      const log = service.ctx.log;
      const life = startDemoLife(sandbox, {
        onAction: (a) =>
          log.info('sandbox: a person acted in TalentLink', {
            jobId: String(a.jobId),
            actor: a.actor,
            action: a.action,
            outcome: a.outcome,
          }),
      });
      const stopWatching = watchMails(service, (jobId) => life.asked(jobId));
      // The service may have read the queues before the campaign's alerts: read them again now.
      void service.drainNow();
      const jobs = sandbox.campaign?.jobs.length ?? 0;
      process.stdout.write(
        [
          '',
          'Démonstration du connecteur EN3S',
          `  Tableau de bord                 ${service.url}/admin` +
            `${adminPassword ? `   (utilisateur admin, mot de passe ${adminPassword})` : ''}`,
          `  Service (alertes, métriques)    ${service.url}   — /healthz, /readyz, /metrics`,
          `  TalentLink de démonstration     ${sandbox.apiUrl}   (utilisateur demo:demo:BO, mot de ` +
            `passe demo, api_key demo, 8 appels par seconde)`,
          `  Horloge de la démonstration     ${start.toISOString()} (dans la période EN3S ${start.getUTCFullYear()})`,
          `  ${jobs} offres créées ; suivez le journal ci-dessous : approbateur EN3S posé, ` +
            `recruteurs invités à soumettre`,
          "  (courriels dans la boîte locale), réponses de l'EN3S observées, une annonce publiée trop tôt retirée.",
          '  Ctrl+C pour arrêter.',
          '',
        ].join('\n'),
      );
      stopOnSignals(async () => {
        life.stop();
        stopWatching();
        summary.stop();
        await service.stop();
        await sandbox.stop();
      });
    });
}
