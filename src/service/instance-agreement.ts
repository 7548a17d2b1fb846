import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { settings, type Config, type SettingName } from '../config.js';

/**
 * What the instances of the service on one database must agree on, and the French problems an
 * instance starting with other values is refused with. Several instances share the queues, the
 * call budget, the scheduled work and the administrators' sessions through the database; an
 * instance with another budget would take more calls than the others count on, one with another
 * session secret would not know the sessions the others opened, one with another report schedule
 * would write reports the others do not. Secrets and addresses are compared by their SHA-256, never shown.
 * The business clock (`EN3S_CLOCK_START`, `EN3S_CLOCK_OFFSET_MS`) is for demos and tests and is
 * left out, as are the settings of the instance's own host (address, port, folders, limits).
 */

const sharedSettings = [
  // The tenant and its queues: every instance drains the same ones.
  'atsBaseUrl',
  'atsUser',
  'atsPassword',
  'atsApiKey',
  'positionQueue',
  'postingQueue',
  // The call budget is counted in the database, for all instances together.
  'atsCallsPerSecond',
  'atsMonthlyQuota',
  'atsTakedownReserve',
  // What the connector decides and does.
  'policyMode',
  'policyUndetermined',
  'policyRemoveApproverAtWindowEnd',
  'policyAskRecruiters',
  'primaryNetworks',
  // Mails to recruiters and administrators, claimed once whatever the instance.
  'mailMode',
  'mailFrom',
  'mailAdmins',
  'mailReminderAfterHours',
  'mailMaxReminders',
  'mailAlertAdminsAfterHours',
  'mailFollowUpCron',
  'reconcileCron',
  // Scheduled reports, written once per slot whatever the instance.
  'reportsSchedule',
  'reportsFinalAt',
  'reportsFormats',
  'reportsMailTo',
  // Whoever answers, the tenant's alert and an administrator get the same welcome.
  'alertTokens',
  'adminUsers',
  'adminApiTokens',
  'adminSessionSecret',
  'adminSessionIdleMinutes',
] as const satisfies readonly SettingName[];

/** Compared by their SHA-256 and never shown: secrets, and the administrators' e-mail addresses. */
const secretSettings: ReadonlySet<SettingName> = new Set([
  'mailAdmins',
  'reportsMailTo',
  'atsPassword',
  'atsApiKey',
  'alertTokens',
  'adminUsers',
  'adminApiTokens',
  'adminSessionSecret',
]);

const SECRET_PREFIX = 'sha256:';

/** The instance's shared settings as it records them: plain values as JSON, secrets as their SHA-256. */
export function sharedSettingsOf(config: Config): Record<string, string> {
  const fingerprint: Record<string, string> = {};
  for (const name of sharedSettings) {
    const value = JSON.stringify(config[name] ?? null);
    fingerprint[name] = secretSettings.has(name)
      ? `${SECRET_PREFIX}${createHash('sha256').update(`${name}\0${value}`).digest('hex')}`
      : value;
  }
  return fingerprint;
}

export interface OtherInstance {
  instanceId: string;
  lastSeenAt: string;
  settings: Record<string, string>;
}

/**
 * The key, in an instance's recorded settings, of the mark it left in its reports folder: another
 * instance that does not see that mark in its own folder does not share the folder, and a report
 * made by one could not be downloaded from the other.
 */
export const REPORTS_MARK_KEY = 'reportsFolderMark';

/** The mark's file name in the reports folder. */
export const reportsMarkFile = (mark: string) => `.en3s-instance-${mark}`;

/**
 * Why this instance may not join the others (French, one line per setting), or none.
 * `seesMark` says whether a mark another instance left in its reports folder is in this one's.
 */
export function disagreements(
  config: Config,
  others: readonly OtherInstance[],
  seesMark: (mark: string) => boolean,
): string[] {
  if (others.length === 0) return [];
  const mine = sharedSettingsOf(config);
  const problems: string[] = [];
  const blind = others.find((o) => o.settings[REPORTS_MARK_KEY] && !seesMark(o.settings[REPORTS_MARK_KEY]!));
  if (blind)
    problems.push(
      `${settings.reportsDir.env} : le dossier ${config.reportsDir} n’est pas celui de ` +
        `l’instance ${blind.instanceId} (la marque qu’elle y a déposée n’y est pas) ; un rapport ` +
        `produit par l’une ne pourrait pas être téléchargé depuis l’autre : montez le même dossier ` +
        `partagé sur toutes les instances`,
    );
  if (config.adminSessionSecret === '')
    problems.push(
      `${settings.adminSessionSecret.env} : non défini, alors que d’autres instances utilisent ` +
        `la base (${others.map((o) => o.instanceId).join(', ')}) ; chaque instance signerait les ` +
        `sessions avec sa propre clé et un administrateur serait déconnecté en passant de l’une à ` +
        `l’autre : donnez-lui la même valeur sur toutes les instances`,
    );
  for (const name of sharedSettings) {
    const differing = others.filter((o) => o.settings[name] !== mine[name]);
    if (differing.length === 0) continue;
    const other = differing[0]!;
    const seen =
      `instance ${other.instanceId}, vue à ` +
      `${DateTime.fromISO(other.lastSeenAt).setZone('Europe/Paris').toFormat('HH:mm:ss')}`;
    const theirs = other.settings[name];
    problems.push(
      secretSettings.has(name)
        ? `${settings[name].env} : différent de celui de l’${seen} (valeur non affichée)`
        : `${settings[name].env} : ${show(mine[name])} ici, ${theirs === undefined ? 'absent' : show(theirs)} ` +
            `sur l’${seen}`,
    );
  }
  if (problems.length > 0)
    problems.push(
      'toutes les instances d’une même base doivent partager ces réglages : arrêtez-les toutes ' +
        'pour en changer un, ou alignez celle-ci',
    );
  return problems;
}

function show(json: string | undefined): string {
  if (json === undefined) return 'absent';
  const value: unknown = JSON.parse(json);
  if (value === null || value === '') return '(vide)';
  return `« ${Array.isArray(value) ? value.join(', ') : String(value)} »`;
}
