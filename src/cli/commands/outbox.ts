import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Store } from '../../store/database.js';
import { jobNumbersOf } from '../../store/offer-keys.js';
import { getCommandStatus, listDeadLetters, type OutboxCommand, type OutboxStatus } from '../../store/outbox.js';
import { inTransaction } from '../../store/transaction.js';
import { retryDeadLetterAsAdministrator } from '../../pipeline/retry-dead-letter.js';
import { UsageError } from '../output.js';
import { openCommandDatabase, requireMigrated } from './db.js';

/**
 * `en3s outbox dead`: the commands the dispatcher gave up on (dead-letter), with their last
 * error. `en3s outbox retry <id>` or `--all`: puts them back in the queue; each requeue is
 * recorded in the ledger as an administrator's action under the operating-system user name.
 */

const DB_OPTION = [
  '--db <url>',
  'base de données (sqlite:<fichier> ou postgres://…), celle de la configuration par défaut',
] as const;
const PAGE = 500;

const topics: Record<string, string> = {
  violation: 'annonce publiée sans l’approbation de l’EN3S',
  undetermined: 'données à compléter',
  released: 'période close sans réponse',
  approver_unknown: 'utilisateur EN3S dérogation introuvable dans l’ATS',
};

/** What a command of the process (`ProcessCommand`) does, as an administrator reads it. */
export function describeCommand(command: Pick<OutboxCommand, 'kind' | 'payload'>): string {
  const payload = (command.payload ?? {}) as {
    postingIds?: unknown;
    reason?: unknown;
    recruiterIds?: unknown;
    topic?: unknown;
  };
  const ids = (value: unknown) => (Array.isArray(value) && value.length > 0 ? value.map(String).join(', ') : '?');
  const kind: string = command.kind;
  switch (kind) {
    case 'set_approver':
      return "pose de l'approbateur EN3S dans l'équipe de l'offre";
    case 'remove_approver':
      return "retrait de l'approbateur EN3S de l'équipe (fin de période)";
    case 'read_postings':
      return "relecture des annonces de l'offre";
    case 'take_down':
      return (
        `retrait ` +
        `${Array.isArray(payload.postingIds) && payload.postingIds.length > 1 ? 'des annonces' : "de l'annonce"}` +
        ` ${ids(payload.postingIds)}`
      );
    case 'ask_recruiter':
      return (
        `e-mail au recruteur (utilisateur ${ids(payload.recruiterIds)}) : ` +
        `${payload.reason === 'resubmit' ? 'soumettre de nouveau pour approbation' : '« Soumettre pour approbation »'}`
      );
    case 'notify_admins':
      return `alerte des administrateurs (${topics[String(payload.topic)] ?? String(payload.topic ?? '?')})`;
    default:
      // A row written for the earlier, invented ATS (migration 0010 keeps them): named as stored.
      return `commande « ${kind} » de l'ancien connecteur`;
  }
}

async function allDead(store: Store): Promise<OutboxCommand[]> {
  const out: OutboxCommand[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await listDeadLetters(store.db, { limit: PAGE, offset });
    out.push(...page);
    if (page.length < PAGE) return out;
  }
}

/** Job numbers of the offers the commands are about, to show "NVHADD00095" rather than an ATS id. */
async function jobNumbers(store: Store, commands: OutboxCommand[]): Promise<Map<string, string>> {
  return jobNumbersOf(store.db, [...new Set(commands.map((c) => c.ats_id))]);
}

function offerLabel(numbers: Map<string, string>, command: OutboxCommand): string {
  const number = numbers.get(`${command.source}:${command.ats_id}:${command.campaign}`);
  return number ? `${number} (${command.ats_id})` : command.ats_id;
}

/** A plain-text table, columns padded to their widest cell; the last column is not padded. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? Math.max(header[i]!.length, 1) : w))),
    ...rows.map(line),
  ].join('\n');
}

/** The administrator's name for the ledger: the operating-system user running the command. */
export function administratorName(): string {
  try {
    const name = userInfo().username;
    if (name) return name;
  } catch {
    // No entry for this uid (a container): fall back on the environment.
  }
  return process.env.USER ?? process.env.LOGNAME ?? 'inconnu';
}

async function withStore(dbOption: string | undefined, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openCommandDatabase(dbOption, { create: false });
  try {
    await requireMigrated(store);
    await fn(store);
  } finally {
    await store.close();
  }
}

async function requeue(store: Store, command: OutboxCommand, by: string): Promise<boolean> {
  const now = new Date().toISOString();
  return inTransaction(store, (trx) =>
    retryDeadLetterAsAdministrator(
      trx,
      command,
      { name: by, via: 'cli', reason: 'relance en ligne de commande (en3s outbox retry)' },
      now,
    ),
  );
}

function parseId(raw: string): number {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new UsageError(`identifiant de commande : entier positif attendu, reçu « ${raw} »`);
  }
  return Number(raw);
}

export function registerOutbox(program: Command): void {
  const outbox = program.command('outbox').description('commandes envoyées à l’ATS : échecs définitifs et relance');

  outbox
    .command('dead')
    .description('liste les commandes en échec définitif (abandonnées par le répartiteur) et leur dernière erreur')
    .option(...DB_OPTION)
    .action((options: { db?: string }) =>
      withStore(options.db, async (store) => {
        const dead = await allDead(store);
        if (dead.length === 0) {
          process.stdout.write('Aucune commande en échec définitif.\n');
          return;
        }
        const numbers = await jobNumbers(store, dead);
        const rows = dead.map((c) => [
          String(c.id),
          offerLabel(numbers, c),
          describeCommand(c),
          String(c.attempts),
          c.last_error ?? '',
        ]);
        const head =
          `${dead.length} commande${dead.length > 1 ? 's' : ''} en échec définitif (« en3s outbox ` +
          `retry <id> » ou « --all » pour relancer) :`;
        process.stdout.write(`${head}\n${table(['id', 'offre', 'commande', 'tentatives', 'dernière erreur'], rows)}\n`);
      }),
    );

  outbox
    .command('retry')
    .description('remet en file une commande en échec définitif (par son id) ou toutes (--all)')
    .argument('[id]', 'identifiant de la commande (colonne « id » de « en3s outbox dead »)')
    .option('--all', 'toutes les commandes en échec définitif')
    .option(...DB_OPTION)
    .action((idArg: string | undefined, options: { all?: boolean; db?: string }) => {
      if (idArg === undefined && !options.all)
        throw new UsageError('indiquez l’identifiant de la commande à relancer, ou --all');
      if (idArg !== undefined && options.all) throw new UsageError('un identifiant ou --all, pas les deux');
      const id = idArg === undefined ? null : parseId(idArg);
      const by = administratorName();
      return withStore(options.db, async (store) => {
        const dead = await allDead(store);
        if (id === null) {
          let done = 0;
          for (const command of dead) if (await requeue(store, command, by)) done += 1;
          process.stdout.write(
            done === 0
              ? 'Aucune commande en échec définitif à relancer.\n'
              : `${done} commande${done > 1 ? 's' : ''} remise${done > 1 ? 's' : ''} en file.\n`,
          );
          return;
        }
        const command = dead.find((c) => c.id === id);
        if (!command) {
          const row = await getCommandStatus(store.db, id);
          const states: Record<OutboxStatus, string> = {
            pending: 'en attente',
            in_flight: 'en cours',
            done: 'terminée',
            skipped: 'terminée',
            dead: 'en échec définitif',
          };
          throw new UsageError(
            row
              ? `la commande n° ${id} n’est pas en échec définitif (état : ${states[row.status] ?? row.status})`
              : `commande n° ${id} introuvable`,
          );
        }
        if (!(await requeue(store, command, by)))
          throw new UsageError(`la commande n° ${id} n’est plus en échec définitif (relancée entre-temps ?)`);
        const numbers = await jobNumbers(store, [command]);
        process.stdout.write(
          `Commande n° ${id} remise en file : ${describeCommand(command)}, offre ${offerLabel(numbers, command)}.\n`,
        );
      });
    });
}
