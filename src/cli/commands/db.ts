import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { ConfigError, loadConfig } from '../../config.js';
import { DatabaseConnectionError, DatabaseUrlError, openDatabase, type Store } from '../../store/database.js';
import { migrateToLatest, migrationStatus, type MigrationState } from '../../store/migrate.js';
import { UsageError } from '../output.js';

/**
 * `en3s db migrate` and `en3s db status`: apply the store's migrations, or list them with when
 * they were applied. The database is the configured one (`EN3S_DATABASE_URL`) unless `--db`.
 */

const DB_OPTION = ['--db <url>', 'base de données (sqlite:<fichier> ou postgres://…), celle de la configuration par défaut'] as const;

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
    if (error instanceof DatabaseUrlError) throw new UsageError(error.message);
    if (error instanceof DatabaseConnectionError) throw new UsageError(error.message);
    throw error;
  }
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
  return state.appliedAt ? `  ${state.name} : appliquée le ${frenchInstant(state.appliedAt)}` : `  ${state.name} : en attente`;
}

async function withStore(dbOption: string | undefined, create: boolean, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openCommandDatabase(dbOption, { create });
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

export function registerDb(program: Command): void {
  const db = program.command('db').description('base de données : migrations');

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
            : `${applied.length} migration${applied.length > 1 ? 's' : ''} appliquée${applied.length > 1 ? 's' : ''} : ${applied.join(', ')}.`;
        process.stdout.write(`${head}\n${states.map(describeState).join('\n')}\n`);
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
            ? `Base à jour (${store.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}) : ${states.length} migration${states.length > 1 ? 's' : ''} appliquée${states.length > 1 ? 's' : ''}.`
            : `${pending} migration${pending > 1 ? 's' : ''} en attente : lancez « en3s db migrate ».`;
        process.stdout.write(`${head}\n${states.map(describeState).join('\n')}\n`);
      }),
    );
}
