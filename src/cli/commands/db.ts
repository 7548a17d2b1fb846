import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { ConfigError, loadConfig, settings } from '../../config.js';
import { DatabaseConnectionError, DatabaseUrlError, openDatabase, type Store } from '../../store/database.js';
import { backupSqlite, type BackupResult } from '../../store/backup.js';
import { compactSqlite, type CompactResult } from '../../store/compact.js';
import { migrateToLatest, migrationStatus, type MigrationState } from '../../store/migrate.js';
import { UsageError } from '../output.js';
import { retentionEnds } from '../../domain/retention.js';
import { businessClock, systemClock } from '../../clock.js';
import { silentLogger } from '../../logger.js';
import { Projector, resetProjection } from '../../pipeline/projector.js';
import { purgedAnything, runRetentionPurge, type PurgeOutcome } from '../../pipeline/retention.js';

/**
 * `en3s db migrate` and `en3s db status`: apply the store's migrations, or list them with when
 * they were applied. `en3s db compact`: rebuild a SQLite file (see `src/store/compact.ts`). The
 * database is the configured one (`EN3S_DATABASE_URL`) unless `--db`.
 */

const DB_OPTION = [
  '--db <url>',
  'base de données (sqlite:<fichier> ou postgres://…), celle de la configuration par défaut',
] as const;

/** Opens the database of a command: `--db` or the configuration; every failure is a UsageError. */
export async function openCommandDatabase(dbOption: string | undefined, options: { create: boolean }): Promise<Store> {
  let url = dbOption;
  if (url === undefined) {
    try {
      url = loadConfig().databaseUrl;
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(error.message);
      throw error;
    }
  }
  try {
    return await openDatabase(url, options);
  } catch (error) {
    // Without --db the reader may not know which database was meant: say it, and how to name another.
    const hint = dbOption === undefined ? `\n${configuredDatabaseHint()}` : '';
    if (error instanceof DatabaseUrlError) throw new UsageError(`${error.message}${hint}`);
    if (error instanceof DatabaseConnectionError) throw new UsageError(`${error.message}${hint}`);
    throw error;
  }
}

/** Where `en3s demo` keeps its database, relative to the folder it was started in. */
export const DEMO_DB = './data/demo.sqlite';

function configuredDatabaseHint(): string {
  return [
    `base cherchée : celle de la configuration (${settings.databaseUrl.env}, par défaut ` +
      `${settings.databaseUrl.default}, ` +
      `relatif au dossier courant).`,
    `Pour en lire une autre : --db sqlite:<fichier> ou --db ` +
      `postgres://utilisateur:motdepasse@hôte:port/base (ou ${settings.databaseUrl.env}).`,
    `Celle de la démonstration (en3s demo, npm start) : --db sqlite:${DEMO_DB}, depuis le ` +
      `dossier où la démonstration a été lancée.`,
  ].join('\n');
}

/** The migrations, or a UsageError when the database has none applied yet. */
export async function requireMigrated(store: Store): Promise<MigrationState[]> {
  const states = await migrationStatus(store);
  if (states.every((s) => s.appliedAt === null)) {
    throw new UsageError('la base n’est pas initialisée : lancez « en3s db migrate »');
  }
  return states;
}

export function frenchInstant(iso: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone('Europe/Paris').toFormat("dd/LL/yyyy 'à' HH:mm:ss");
}

function describeState(state: MigrationState): string {
  return state.appliedAt
    ? `  ${state.name} : appliquée le ${frenchInstant(state.appliedAt)}`
    : `  ${state.name} : en attente`;
}

async function withStore(
  dbOption: string | undefined,
  create: boolean,
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const store = await openCommandDatabase(dbOption, { create });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

const frenchNumber = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });

/** A size in the units an administrator reads: Ko, Mo, Go (of 1,024). */
function frenchSize(bytes: number): string {
  const units = ['octets', 'Ko', 'Mo', 'Go', 'To'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${frenchNumber.format(value)} ${units[unit]}`;
}

function frenchDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${frenchNumber.format(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** What `en3s db compact` prints, or the UsageError it exits with. */
export function describeCompact(result: CompactResult): string {
  if (!result.ok) {
    switch (result.reason) {
      case 'not-sqlite':
        throw new UsageError(
          '« en3s db compact » ne concerne que SQLite : PostgreSQL range ses pages lui-même (VACUUM automatique)',
        );
      case 'in-memory':
        throw new UsageError('« en3s db compact » ne concerne qu’un fichier SQLite, pas une base en mémoire');
      case 'busy':
        throw new UsageError(
          'la base est ouverte par un autre processus (le service ?) : arrêtez-le, puis relancez « ' +
            'en3s db compact » ; le fichier est inchangé',
        );
      case 'disk-full':
        throw new UsageError(
          'place insuffisante sur le disque (il faut environ la taille du fichier en plus) ; le fichier est inchangé',
        );
    }
  }
  const pages =
    result.pageSizeBefore === result.pageSizeAfter
      ? `pages de ${frenchSize(result.pageSizeAfter)}`
      : `pages de ${frenchSize(result.pageSizeBefore)} → ${frenchSize(result.pageSizeAfter)}`;
  return (
    `Base reconstruite en ${frenchDuration(result.ms)} : ${pages}, ${frenchSize(result.bytesBefore)} ` +
    `→ ${frenchSize(result.bytesAfter)}.\n`
  );
}

/** What `en3s db backup` prints, or the UsageError it exits with (exit 1 when the copy failed). */
export function describeBackup(result: BackupResult): string {
  if (result.ok)
    return [
      `Copie écrite : ${result.file}`,
      `  ${frenchSize(result.bytes)}, ${result.pages} pages, ${result.ledgerEntries} entrées du ` +
        `journal, en ${frenchDuration(result.ms)}`,
      '  vérifiée par SQLite (quick_check : ok) ; pour la restaurer, service arrêté, remplacez ' +
        'le fichier de la base par cette copie',
      '',
    ].join('\n');
  switch (result.reason) {
    case 'not-sqlite':
      throw new UsageError(
        '« en3s db backup » ne concerne que SQLite : pour PostgreSQL, utilisez pg_dump (voir la ' +
          'section « Sauvegarde » du README)',
      );
    case 'in-memory':
      throw new UsageError('« en3s db backup » ne concerne qu’un fichier SQLite, pas une base en mémoire');
    case 'same-file':
      throw new UsageError(`la copie ne peut pas remplacer la base elle-même : ${result.detail}`);
    case 'exists':
      throw new UsageError(`le fichier existe déjà : ${result.detail} (choisissez un autre nom ; rien n’a été écrit)`);
    case 'no-folder':
      throw new UsageError(`dossier introuvable : ${result.detail}`);
    case 'corrupt':
      process.exitCode = 1;
      return `Copie refusée : SQLite y signale un défaut (${result.detail}) ; aucun fichier n’a été laissé\n`;
    case 'failed':
      process.exitCode = 1;
      return `Copie impossible : ${result.detail} ; aucun fichier n’a été laissé\n`;
  }
}

/** What `en3s db purge` prints: the scope, then the counts removed (or that would be, with `--dry-run`). */
export function describePurge(outcome: PurgeOutcome, months: number): string {
  const { scope, counts, dryRun } = outcome;
  const n = (value: number) => frenchNumber.format(value);
  const head =
    `Conservation : ${months} mois après la fin de la campagne ; campagnes jusqu’à ${scope.lastCampaign} ` +
    `comprise (la campagne ${scope.lastCampaign + 1} sera purgeable à partir du ` +
    `${frenchInstant(retentionEnds(scope.lastCampaign + 1, months))}), ` +
    `données reçues avant le ${frenchInstant(scope.receivedBefore)}.`;
  const lines = [
    `  documents de l’ATS reçus (boîte de réception, lignes traitées) : ${n(counts.inboxBodies)}`,
    `  destinataires d’e-mails aux recruteurs : ${n(counts.mailRecipients)}`,
    `  messages de la boîte de démonstration : ${n(counts.mailboxMessages)}`,
  ];
  const verdict = dryRun
    ? purgedAnything(counts)
      ? 'Simulation (--dry-run) : rien n’a été supprimé ; seraient purgés :'
      : 'Simulation (--dry-run) : rien à purger.'
    : purgedAnything(counts)
      ? `Purge faite, inscrite au registre (entrée n° ${outcome.ledgerSeq}) ; supprimés :`
      : 'Rien à purger : aucune donnée personnelle n’a dépassé sa durée de conservation.';
  return `${head}\n${verdict}\n${purgedAnything(counts) ? `${lines.join('\n')}\n` : ''}`;
}

export function registerDb(program: Command): void {
  const db = program
    .command('db')
    .description(
      'base de données : migrations, copie et reconstruction du fichier SQLite, purge des données personnelles',
    );

  db.command('migrate')
    .description('applique les migrations en attente')
    .option(...DB_OPTION)
    .action((options: { db?: string }) =>
      withStore(options.db, true, async (store) => {
        const applied = await migrateToLatest(store);
        const states = await migrationStatus(store);
        const head =
          applied.length === 0
            ? 'Base à jour : aucune migration en attente.'
            : `${applied.length} migration${applied.length > 1 ? 's' : ''} appliquée${applied.length > 1 ? 's' : ''} ` +
              `: ${applied.join(', ')}.`;
        process.stdout.write(`${head}\n${states.map(describeState).join('\n')}\n`);
      }),
    );

  db.command('compact')
    .description(
      'SQLite : reconstruit le fichier, chaque table d’un seul tenant, en pages de 64 Ko ' +
        '(service arrêté, place disque de la taille du fichier)',
    )
    .option(...DB_OPTION)
    .action((options: { db?: string }) =>
      withStore(options.db, false, async (store) => {
        process.stdout.write(describeCompact(await compactSqlite(store)));
      }),
    );

  db.command('backup')
    .description(
      'SQLite : copie cohérente de la base dans <fichier>, service en marche (API de sauvegarde ' +
        'en ligne de SQLite), puis vérifiée',
    )
    .argument('<fichier>', 'fichier de la copie (ne doit pas exister)')
    .option(...DB_OPTION)
    .action((file: string, options: { db?: string }) =>
      withStore(options.db, false, async (store) => {
        await requireMigrated(store);
        process.stdout.write(describeBackup(await backupSqlite(store, file)));
      }),
    );

  db.command('purge')
    .description(
      'supprime les données personnelles dont la durée de conservation est passée ' +
        '(EN3S_RETENTION_MONTHS après la fin de la campagne) ; le registre est gardé',
    )
    .option(...DB_OPTION)
    .option('--dry-run', 'dit ce qui serait supprimé, sans rien supprimer')
    .action((options: { db?: string; dryRun?: boolean }) => {
      let config: ReturnType<typeof loadConfig>;
      try {
        config = loadConfig();
      } catch (error) {
        if (error instanceof ConfigError) throw new UsageError(error.message);
        throw error;
      }
      return withStore(options.db, false, async (store) => {
        await requireMigrated(store);
        const months = config.retentionMonths;
        const outcome = await runRetentionPurge(store, {
          months,
          now: businessClock(config).now(),
          dryRun: options.dryRun === true,
          trigger: 'cli',
        });
        process.stdout.write(describePurge(outcome, months));
      });
    });

  db.command('reproject')
    .description(
      'recalcule la projection du rapport de toutes les offres (après un changement de son ' +
        'calcul) ; inscrit au registre',
    )
    .option(...DB_OPTION)
    .action((options: { db?: string }) =>
      withStore(options.db, false, async (store) => {
        await requireMigrated(store);
        const clock = systemClock;
        const { ledgerSeq, lastChange } = await resetProjection(store, clock.now());
        const cursor = await new Projector({ store, clock, log: silentLogger }).catchUp();
        process.stdout.write(
          `Projection du rapport recalculée : ${lastChange} modification(s) d’offres relue(s), ` +
            `jusqu’au n° ${cursor} (registre n° ${ledgerSeq}).\n`,
        );
      }),
    );

  db.command('status')
    .description('liste les migrations et la date à laquelle chacune a été appliquée')
    .option(...DB_OPTION)
    .action((options: { db?: string }) =>
      withStore(options.db, false, async (store) => {
        const states = await migrationStatus(store);
        const pending = states.filter((s) => s.appliedAt === null).length;
        const head =
          pending === 0
            ? `Base à jour (${store.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}) : ${states.length} ` +
              `migration${states.length > 1 ? 's' : ''} appliquée${states.length > 1 ? 's' : ''}.`
            : `${pending} migration${pending > 1 ? 's' : ''} en attente : lancez « en3s db migrate ».`;
        process.stdout.write(`${head}\n${states.map(describeState).join('\n')}\n`);
      }),
    );
}
