import { defaultDemoInstant, type DemoCampaign } from './demo-campaign.js';
import { createSandbox, type Sandbox } from './index.js';
import type { ServeConfig } from './serve-options.js';

/**
 * Runs the sandbox as a server until SIGTERM or SIGINT: starts listening, seeds the demo
 * campaign and its scripted life when asked, then stops gracefully (pending deliveries
 * abandoned, snapshot written, connections closed). Messages are for an administrator: French.
 */

export interface RunningSandbox {
  sandbox: Sandbox;
  url: string;
  campaign: DemoCampaign | null;
  /** Resolves once the sandbox has stopped (after a signal or `stop()`). */
  stopped: Promise<void>;
  stop(): Promise<void>;
}

export async function runSandboxServer(config: ServeConfig, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<RunningSandbox> {
  const sandbox = createSandbox(config.sandbox);
  if (config.demo && !config.sandbox.clockStart) sandbox.clock.set(defaultDemoInstant(new Date()), config.sandbox.freezeClock ?? false);
  const { url } = await sandbox.start(config.port, config.host);
  log(`Bac à sable TalentLink démarré : ${url} (API ${url}/tlk/rest, pilotage ${url}/sandbox)`);
  log(`Horloge du bac à sable : ${formatFrench(sandbox.clock.now())}${sandbox.clock.describe().mode === 'frozen' ? ' (figée)' : ''}`);
  const hooks = sandbox.options.webhookUrls.length;
  log(hooks > 0 ? `Notifications : ${hooks} webhook(s), format ${sandbox.options.webhookFormat}, mode ${sandbox.options.webhookMode}` : 'Notifications : aucun webhook configuré (files seulement)');
  let campaign: DemoCampaign | null = null;
  if (config.demo) {
    campaign = sandbox.seedDemoCampaign();
    log(`Campagne de démonstration : ${campaign.jobs.length} offres créées`);
    if (config.demoLife) {
      sandbox.startDemoLife(campaign);
      log('Animation de la démonstration lancée (réponses EN3S, publications des recruteurs)');
    }
  }

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await sandbox.stop();
      log('Bac à sable arrêté');
      resolveStopped();
    })();
    return stopping;
  };
  const onSignal = (): void => {
    void stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return { sandbox, url, campaign, stopped, stop };
}

function formatFrench(date: Date): string {
  return new Intl.DateTimeFormat('fr-FR', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'Europe/Paris' }).format(date);
}
