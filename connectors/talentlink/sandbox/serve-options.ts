import type { Command } from 'commander';
import type { SandboxOptionsInput } from './options.js';

/**
 * Options of the standalone sandbox server, shared by `main.ts` and `en3s sandbox serve`: each
 * flag falls back on an `EN3S_SANDBOX_…` variable, then on its default. Bad values raise a
 * `ServeOptionsError` with a French message naming the flag or variable (the CLI exits 2).
 */

export class ServeOptionsError extends Error {
  override readonly name = 'ServeOptionsError';
}

export interface ServeConfig {
  port: number;
  host: string;
  demo: boolean;
  demoLife: boolean;
  sandbox: SandboxOptionsInput;
}

interface FlagSpec {
  flag: string;
  key: string;
  env: string;
  description: string;
  boolean?: boolean;
  defaultText?: string;
}

const specs: FlagSpec[] = [
  { flag: '--port <port>', key: 'port', env: 'EN3S_SANDBOX_PORT', description: 'port d’écoute', defaultText: '3100' },
  { flag: '--host <adresse>', key: 'host', env: 'EN3S_SANDBOX_HOST', description: 'adresse d’écoute', defaultText: '127.0.0.1' },
  { flag: '--user <Company:user:BO>', key: 'user', env: 'EN3S_SANDBOX_USER', description: 'utilisateur de l’API', defaultText: 'demo:demo:BO' },
  { flag: '--password <mot-de-passe>', key: 'password', env: 'EN3S_SANDBOX_PASSWORD', description: 'mot de passe de l’API', defaultText: 'demo' },
  { flag: '--api-key <clé>', key: 'apiKey', env: 'EN3S_SANDBOX_API_KEY', description: 'clé d’API (en-tête api_key)', defaultText: 'demo' },
  { flag: '--webhook-url <urls>', key: 'webhookUrl', env: 'EN3S_SANDBOX_WEBHOOK_URLS', description: 'URL(s) des webhooks, séparées par des virgules' },
  { flag: '--webhook-secret <secrets>', key: 'webhookSecret', env: 'EN3S_SANDBOX_WEBHOOK_SECRETS', description: 'secret(s) de signature whsec_…, séparés par des espaces' },
  { flag: '--webhook-format <xml|json>', key: 'webhookFormat', env: 'EN3S_SANDBOX_WEBHOOK_FORMAT', description: 'format des notifications', defaultText: 'xml' },
  { flag: '--queue-alert', key: 'queueAlert', env: 'EN3S_SANDBOX_QUEUE_ALERT', description: 'envoyer des alertes de file {queueName} au lieu des notifications', boolean: true },
  { flag: '--queues <noms>', key: 'queues', env: 'EN3S_SANDBOX_QUEUES', description: 'files d’événements, séparées par des virgules', defaultText: 'en3s-job-events' },
  { flag: '--visibility-timeout <secondes>', key: 'visibilityTimeout', env: 'EN3S_SANDBOX_VISIBILITY_TIMEOUT', description: 'délai avant nouvelle remise d’un élément lu', defaultText: '60' },
  { flag: '--rate-limit <n>', key: 'rateLimit', env: 'EN3S_SANDBOX_RATE_LIMIT', description: 'requêtes par seconde et par client (0 : illimité)', defaultText: '10' },
  { flag: '--retry-factor <x>', key: 'retryFactor', env: 'EN3S_SANDBOX_RETRY_FACTOR', description: 'multiplicateur du calendrier de relance des webhooks', defaultText: '1' },
  { flag: '--seed <n>', key: 'seed', env: 'EN3S_SANDBOX_SEED', description: 'graine des tirages (reproductibilité)' },
  { flag: '--clock <iso>', key: 'clock', env: 'EN3S_SANDBOX_CLOCK', description: 'instant de départ de l’horloge du bac à sable' },
  { flag: '--freeze-clock', key: 'freezeClock', env: 'EN3S_SANDBOX_FREEZE_CLOCK', description: 'horloge figée', boolean: true },
  { flag: '--snapshot <fichier>', key: 'snapshot', env: 'EN3S_SANDBOX_SNAPSHOT', description: 'fichier JSON de sauvegarde de l’état' },
  { flag: '--demo', key: 'demo', env: 'EN3S_SANDBOX_DEMO', description: 'créer la campagne de démonstration', boolean: true },
  { flag: '--demo-life', key: 'demoLife', env: 'EN3S_SANDBOX_DEMO_LIFE', description: 'animer la démonstration (réponses EN3S, publications)', boolean: true },
  { flag: '--fault-error-ratio <r>', key: 'faultErrorRatio', env: 'EN3S_SANDBOX_FAULT_ERROR_RATIO', description: 'part des appels en erreur 500/503' },
  { flag: '--fault-latency <min-max>', key: 'faultLatency', env: 'EN3S_SANDBOX_FAULT_LATENCY', description: 'latence ajoutée en ms, ex. 20-200' },
  { flag: '--fault-drop-ratio <r>', key: 'faultDropRatio', env: 'EN3S_SANDBOX_FAULT_DROP_RATIO', description: 'part des notifications perdues' },
  { flag: '--fault-duplicate-ratio <r>', key: 'faultDuplicateRatio', env: 'EN3S_SANDBOX_FAULT_DUPLICATE_RATIO', description: 'part des notifications envoyées deux fois' },
  { flag: '--fault-reorder-ratio <r>', key: 'faultReorderRatio', env: 'EN3S_SANDBOX_FAULT_REORDER_RATIO', description: 'part des notifications retardées' },
  { flag: '--fault-reorder-window <ms>', key: 'faultReorderWindow', env: 'EN3S_SANDBOX_FAULT_REORDER_WINDOW', description: 'retard maximal des notifications retardées' },
  { flag: '--fault-seed <n>', key: 'faultSeed', env: 'EN3S_SANDBOX_FAULT_SEED', description: 'graine des pannes' },
];

export function addServeOptions(command: Command): Command {
  for (const s of specs) command.option(s.flag, `${s.description} (${s.env}${s.defaultText ? `, défaut ${s.defaultText}` : ''})`);
  return command;
}

export function serveConfigFrom(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const raw = (key: string): { value: string | undefined; where: string } => {
    const spec = specs.find((s) => s.key === key)!;
    const flag = flags[key];
    if (flag !== undefined && flag !== false) return { value: flag === true ? 'true' : String(flag), where: spec.flag.split(' ')[0]! };
    const fromEnv = env[spec.env];
    return { value: fromEnv === undefined || fromEnv === '' ? undefined : fromEnv, where: spec.env };
  };
  const text = (key: string, fallback: string): string => raw(key).value ?? fallback;
  const number = (key: string, fallback: number | undefined, check: (n: number) => boolean, expected: string): number | undefined => {
    const { value, where } = raw(key);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !check(n)) throw new ServeOptionsError(`${where} : ${expected} attendu, reçu « ${value} »`);
    return n;
  };
  const bool = (key: string): boolean => {
    const { value, where } = raw(key);
    if (value === undefined) return false;
    if (['true', '1', 'yes', 'oui'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no', 'non'].includes(value.toLowerCase())) return false;
    throw new ServeOptionsError(`${where} : true ou false attendu, reçu « ${value} »`);
  };
  const list = (key: string, separator: RegExp): string[] => (raw(key).value ?? '').split(separator).map((s) => s.trim()).filter(Boolean);
  const ratio = (key: string): number | undefined => number(key, undefined, (n) => n >= 0 && n <= 1, 'un nombre entre 0 et 1');
  const integer = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;

  const format = text('webhookFormat', 'xml');
  if (format !== 'xml' && format !== 'json') throw new ServeOptionsError(`${raw('webhookFormat').where} : xml ou json attendu, reçu « ${format} »`);
  const clock = raw('clock');
  if (clock.value !== undefined && Number.isNaN(Date.parse(clock.value))) throw new ServeOptionsError(`${clock.where} : instant ISO-8601 attendu, reçu « ${clock.value} »`);
  const latency = raw('faultLatency');
  let latencyMinMs: number | undefined;
  let latencyMaxMs: number | undefined;
  if (latency.value !== undefined) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(latency.value.trim());
    if (!m || Number(m[2] ?? m[1]) < Number(m[1])) throw new ServeOptionsError(`${latency.where} : « min-max » en millisecondes attendu (ex. 20-200), reçu « ${latency.value} »`);
    latencyMinMs = Number(m[1]);
    latencyMaxMs = Number(m[2] ?? m[1]);
  }
  const secrets = list('webhookSecret', /\s+/);
  for (const s of secrets) if (!/^whsec_[A-Za-z0-9+/=]+$/.test(s)) throw new ServeOptionsError(`${raw('webhookSecret').where} : secret whsec_<base64> attendu`);
  const urls = list('webhookUrl', /[\s,]+/);
  for (const u of urls) if (!URL.canParse(u)) throw new ServeOptionsError(`${raw('webhookUrl').where} : URL invalide « ${u} »`);
  if (urls.length > 0 && secrets.length === 0) throw new ServeOptionsError('--webhook-secret (EN3S_SANDBOX_WEBHOOK_SECRETS) : un secret whsec_… est requis avec --webhook-url');
  const user = text('user', 'demo:demo:BO');
  if (!/^[^:]+:[^:]+:BO$/.test(user)) throw new ServeOptionsError(`${raw('user').where} : « Company:user:BO » attendu, reçu « ${user} »`);
  const queues = list('queues', /[\s,]+/);
  for (const q of queues) if (!/^[A-Za-z0-9._-]+$/.test(q)) throw new ServeOptionsError(`${raw('queues').where} : nom de file invalide « ${q} »`);

  const seed = number('seed', undefined, integer(0, 2 ** 31 - 1), 'un entier positif');
  const faults: NonNullable<SandboxOptionsInput['faults']> = {};
  const assign = <K extends keyof typeof faults>(k: K, v: (typeof faults)[K] | undefined): void => {
    if (v !== undefined) faults[k] = v;
  };
  assign('seed', number('faultSeed', undefined, integer(0, 2 ** 31 - 1), 'un entier positif'));
  assign('apiErrorRatio', ratio('faultErrorRatio'));
  assign('latencyMinMs', latencyMinMs);
  assign('latencyMaxMs', latencyMaxMs);
  assign('notificationDropRatio', ratio('faultDropRatio'));
  assign('notificationDuplicateRatio', ratio('faultDuplicateRatio'));
  assign('reorderRatio', ratio('faultReorderRatio'));
  assign('reorderWindowMs', number('faultReorderWindow', undefined, integer(0, 86_400_000), 'un nombre de millisecondes'));

  const sandbox: SandboxOptionsInput = {
    user,
    password: text('password', 'demo'),
    apiKey: text('apiKey', 'demo'),
    webhookUrls: urls,
    webhookSecrets: secrets,
    webhookFormat: format,
    webhookMode: bool('queueAlert') ? 'queue-alert' : 'notification',
    queueNames: queues.length > 0 ? queues : ['en3s-job-events'],
    visibilityTimeoutMs: number('visibilityTimeout', 60, integer(0, 86_400), 'un nombre de secondes')! * 1000,
    rateLimitPerSecond: number('rateLimit', 10, (n) => n >= 0, 'un nombre positif ou nul')!,
    retryFactor: number('retryFactor', 1, (n) => n >= 0, 'un nombre positif ou nul')!,
    freezeClock: bool('freezeClock'),
    faults,
    ...(seed !== undefined ? { seed } : {}),
    ...(clock.value !== undefined ? { clockStart: new Date(clock.value).toISOString() } : {}),
    ...(raw('snapshot').value !== undefined ? { snapshotFile: raw('snapshot').value } : {}),
  };
  return {
    port: number('port', 3100, integer(0, 65_535), 'un port entre 0 et 65535')!,
    host: text('host', '127.0.0.1'),
    demo: bool('demo'),
    demoLife: bool('demoLife'),
    sandbox,
  };
}
