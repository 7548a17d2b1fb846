import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config.js';
import { loadDomainData } from '../../mappings/load.js';
import { generateReportFile } from '../../reports/generate.js';
import { businessClock } from '../../clock.js';
import {
  formatsOf,
  generationInstant,
  parseAsOf,
  parseReportOptions,
  unsupportedOptions,
  type ReportFormat,
  type ReportKind,
} from '../../reports/options.js';
import type { Store } from '../../store/database.js';
import { countCampaignOffers } from '../../store/offers.js';
import { UsageError } from '../output.js';
import { openCommandDatabase, requireMigrated } from './db.js';

/**
 * `en3s report --campaign 2027 --format csv|xlsx|json|html --out FILE [filters]`: the control
 * report of a campaign; `en3s report recap …`: the recap per network (each caisse nationale its
 * network, the SGMCAS all of it); `en3s report posts-to-declare --campaign 2027 --format
 * csv|xlsx|json --out FILE [--body …]`: the posts to enter on EN3S's online job board, by body.
 * The file is written atomically and the run recorded with its SHA-256 (trigger `cli`). Progress
 * goes to stderr on a terminal only; stdout gets one line saying what was written. Bad options: exit 2.
 */

/** The report each argument names (none: the control report). */
const kindArguments: Record<string, ReportKind> = { recap: 'recap', 'posts-to-declare': 'posts' };

interface ReportCliOptions {
  campaign?: string;
  format?: string;
  out?: string;
  asOf?: string;
  network?: string;
  regime?: string;
  body?: string;
  state?: string;
  primaryNetworks?: string;
  generatedAt?: string;
  db?: string;
}

const count = new Intl.NumberFormat('fr-FR');

function checkOut(out: string | undefined): string {
  if (!out) throw new UsageError('--out : chemin du fichier à écrire attendu');
  const path = resolve(out);
  const folder = dirname(path);
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    throw new UsageError(`--out : le dossier « ${folder} » n'existe pas`);
  }
  if (!isFolder) throw new UsageError(`--out : « ${folder} » n'est pas un dossier`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new UsageError(`--out : le dossier « ${folder} » n'est pas accessible en écriture`);
  }
  try {
    if (statSync(path).isDirectory())
      throw new UsageError(`--out : « ${path} » est un dossier, un fichier était attendu`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  return path;
}

function configValue<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

async function requireReportRuns(store: Store, kind: ReportKind): Promise<void> {
  const states = await requireMigrated(store);
  const applied = (name: string) => states.some((s) => s.name === name && s.appliedAt !== null);
  if (!applied('0002_report_runs')) {
    throw new UsageError(
      'la base n’a pas la table des rapports (migration 0002_report_runs) : lancez « en3s db migrate »',
    );
  }
  if (kind === 'posts' && !applied('0012_en3s_board')) {
    throw new UsageError(
      'la base n’a pas la table des saisies sur la bourse de l’EN3S (migration 0012_en3s_board) ' +
        ': lancez « en3s db migrate »',
    );
  }
}

function progress(total: number): ((read: number) => void) | undefined {
  if (!process.stderr.isTTY || total === 0) return undefined;
  const width = 30;
  return (read) => {
    const done = Math.min(1, read / total);
    const bar = '█'.repeat(Math.round(done * width)).padEnd(width, '░');
    process.stderr.write(`\r${bar} ${count.format(Math.min(read, total))} / ${count.format(total)} offres`);
    if (read >= total) process.stderr.write('\n');
  };
}

/** What stdout says of the file written. */
function written(kind: ReportKind, path: string, rows: number, sha256: string): string {
  const n = `${count.format(rows)} ${kind === 'posts' ? 'poste' : 'offre'}${rows > 1 ? 's' : ''}`;
  const what =
    kind === 'report'
      ? 'Rapport de contrôle écrit'
      : kind === 'recap'
        ? 'Récapitulatif par réseau écrit'
        : "Liste des postes à saisir sur la bourse de l'EN3S écrite";
  return `${what} : ${path} (${n}, SHA-256 ${sha256}).\n`;
}

async function run(kind: ReportKind, o: ReportCliOptions): Promise<void> {
  const formats = formatsOf(kind);
  if (!o.format) throw new UsageError(`--format : attendu ${formats.join(', ')}`);
  if (!(formats as readonly string[]).includes(o.format)) {
    throw new UsageError(`--format : « ${o.format} » inconnu ; attendu ${formats.join(', ')}`);
  }
  const format = o.format as ReportFormat;
  if (o.campaign === undefined) throw new UsageError('--campaign : année de la campagne attendue (ex. 2027)');
  const out = checkOut(o.out);
  // The service's business clock, from the same settings: « Situation au » is the dashboard's instant.
  const config = configValue(() => loadConfig());
  const clock = businessClock(config);
  let generatedAt = generationInstant(clock);
  if (o.generatedAt !== undefined) {
    const parsed = parseAsOf(o.generatedAt);
    if (parsed === null || /^\d{4}-\d{2}-\d{2}$/.test(o.generatedAt))
      throw new UsageError(
        `--generated-at : instant ISO attendu (ex. 2027-03-01T08:00:00+01:00), reçu « ${o.generatedAt} »`,
      );
    generatedAt = parsed;
  }
  const domain = loadDomainData();
  const primaryNetworks = o.primaryNetworks ?? config.primaryNetworks;
  const parsed = parseReportOptions(
    {
      campaign: o.campaign,
      asOf: o.asOf,
      network: o.network,
      regime: o.regime,
      body: o.body,
      state: o.state,
      primaryNetworks,
    },
    domain.organismsFile,
  );
  if (!parsed.ok) throw new UsageError(parsed.problems.join('\n  '));
  const unsupported = unsupportedOptions(kind, parsed.value);
  if (unsupported.length > 0) throw new UsageError(unsupported.join('\n  '));
  const store = await openCommandDatabase(o.db, { create: false });
  try {
    await requireReportRuns(store, kind);
    const total = await countCampaignOffers(store.db, parsed.value.campaign);
    let result: Awaited<ReturnType<typeof generateReportFile>>;
    try {
      result = await generateReportFile(store.db, domain.organismsFile, {
        kind,
        format,
        options: parsed.value,
        generatedAt,
        out,
        trigger: 'cli',
        now: generationInstant(clock),
        onProgress: progress(total),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (
        code === 'EACCES' ||
        code === 'EPERM' ||
        code === 'EROFS' ||
        code === 'ENOENT' ||
        code === 'EISDIR' ||
        code === 'ENOSPC'
      ) {
        throw new UsageError(`--out : impossible d'écrire « ${out} » (${code})`);
      }
      throw error;
    }
    process.stdout.write(written(kind, result.file.path, result.rowCount, result.file.sha256));
  } finally {
    await store.close();
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'rapport de contrôle de la période EN3S (ou « recap » : récapitulatif par réseau ; « ' +
        'posts-to-declare » : postes à saisir sur la bourse de l’EN3S)',
    )
    .argument(
      '[rapport]',
      '« recap » : récapitulatif par réseau (chaque caisse nationale pour son réseau, le SGMCAS ' +
        'pour tous les réseaux) ; « posts-to-declare » : postes concernés à saisir sur la bourse en ' +
        'ligne des postes de l’EN3S, par organisme',
    )
    .option('--campaign <année>', 'campagne (année de la période EN3S), ex. 2027')
    .option('--format <format>', 'format du fichier : csv, xlsx, json, html (html : pas pour posts-to-declare)')
    .option('--out <fichier>', 'fichier à écrire (écrit en entier ou pas du tout)')
    .option(
      '--as-of <instant>',
      'situation à un instant passé, reconstituée à partir du registre (ISO, ou une date : fin de ce jour à Paris)',
    )
    .option('--network <réseau>', 'seulement les offres de ce réseau (ex. Cnam, CCMSA)')
    .option('--regime <régime>', 'seulement ce régime : general, agricole, mines, speciaux, ars, rsi')
    .option('--body <organisme>', "seulement ce type d'organisme (CARSAT) ou cet organisme (son nom)")
    .option(
      '--state <états>',
      'seulement ces états, séparés par des virgules (ex. approval_started,published_without_approval)',
    )
    .option(
      '--primary-networks <règle>',
      'organismes à plusieurs réseaux : all (dans chacun) ou primary (réseau principal) ; par défaut la configuration',
    )
    .option(
      '--generated-at <instant>',
      'instant de production écrit dans le rapport (par défaut maintenant) : mêmes données, ' +
        'mêmes options, même instant → même fichier',
    )
    .option('--db <url>', 'base de données (sqlite:<fichier> ou postgres://…), celle de la configuration par défaut')
    .action(async (what: string | undefined, options: ReportCliOptions) => {
      if (what !== undefined && !Object.hasOwn(kindArguments, what)) {
        throw new UsageError(
          `report : « ${what} » inconnu ; attendu « recap » (récapitulatif par réseau) ou « ` +
            `posts-to-declare » (postes à saisir sur la bourse de l’EN3S)`,
        );
      }
      await run(what === undefined ? 'report' : kindArguments[what]!, options);
    });
}
