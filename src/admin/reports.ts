import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { Response } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { PipelineContext } from '../pipeline/context.js';
import {
  generateReportFile,
  getReportRun,
  listReportRuns,
  parseReportOptions,
  reportContentTypes,
  type ReportFormat,
  type ReportKind,
  type ReportRun,
} from '../reports/index.js';
import { formatsOf, generationInstant, unsupportedOptions, type RawReportOptions } from '../reports/options.js';
import type { Principal } from './auth.js';
import { AdminError, badRequest, notFound } from './errors.js';
import { sha256File } from './file-hash.js';
import { integerText, parseInput } from './input-problems.js';

/**
 * Reports from the dashboard and the API, through the reports module: generated into the
 * service's reports folder (trigger `api`), listed from `report_runs` with their SHA-256, and
 * downloaded by run number only — never by a path from the request. A file is served only if it
 * lies in the reports folder and still has the hash recorded when it was produced.
 */

export interface ReportsDeps {
  ctx: PipelineContext;
  config: Config;
  /** Folder of the files (default: `reportsDir` of the configuration). */
  dir: string;
  onRun?: (run: { format: ReportFormat; trigger: 'api' }) => void;
}

const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function parseKind(value: unknown): ReportKind {
  if (value === undefined || value === null || value === '' || value === 'report') return 'report';
  if (value === 'recap' || value === 'posts') return value;
  throw badRequest(
    `type de rapport : « report » (rapport de contrôle), « recap » (récapitulatif par réseau) ` +
      `ou « posts » (postes à saisir sur la bourse de l’EN3S) attendu, reçu « ${String(value).slice(0, 50)} »`,
  );
}

export function parseFormat(value: unknown, kind: ReportKind = 'report'): ReportFormat {
  if (value === undefined || value === null || value === '') return 'csv';
  const formats = formatsOf(kind);
  if (typeof value === 'string' && (formats as readonly string[]).includes(value)) return value as ReportFormat;
  throw badRequest(`format : ${formats.join(', ')} attendu, reçu « ${String(value).slice(0, 50)} »`);
}

const fileKinds: Record<ReportKind, string> = { report: 'rapport', recap: 'recapitulatif', posts: 'postes-a-saisir' };

export async function generateFromRequest(
  deps: ReportsDeps,
  body: RawReportOptions & { kind?: unknown; format?: unknown },
  principal: Principal,
): Promise<ReportRun> {
  const { ctx, config } = deps;
  const kind = parseKind(body.kind);
  const format = parseFormat(body.format, kind);
  const parsed = parseReportOptions(
    { ...body, primaryNetworks: body.primaryNetworks ?? config.primaryNetworks },
    ctx.domain.organismsFile,
  );
  if (!parsed.ok) throw badRequest(parsed.problems.join(' ; '));
  const unsupported = unsupportedOptions(kind, parsed.value);
  if (unsupported.length > 0) throw badRequest(unsupported.join(' ; '));
  const generatedAt = generationInstant(ctx.clock);
  const now = new Date(generatedAt);
  const stamp = DateTime.fromJSDate(now, { zone: 'Europe/Paris' }).toFormat('yyyyLLdd-HHmmss');
  const fileName =
    `en3s-${fileKinds[kind]}-${parsed.value.campaign}-${stamp}-` + `${randomBytes(3).toString('hex')}.${format}`;
  await mkdir(deps.dir, { recursive: true });
  const result = await generateReportFile(ctx.store.db, ctx.domain.organismsFile, {
    kind,
    format,
    options: parsed.value,
    generatedAt,
    out: join(deps.dir, fileName),
    trigger: 'api',
    now: generatedAt,
  });
  if (!result.run) throw new AdminError(409, 'CONFLICT', 'le rapport n’a pas été enregistré');
  deps.onRun?.({ format, trigger: 'api' });
  ctx.log.info('report generated from the admin surface', {
    run: result.run.id,
    kind,
    format,
    rows: result.rowCount,
    via: principal.via,
  });
  return result.run;
}

/** A report run's number in a path. */
export const runIdInput = z.object({ id: integerText(1, 999_999_999_999, 'numéro de rapport : entier attendu') });

export function parseRunId(text: string): number {
  return parseInput('params', runIdInput, { id: text }).id;
}

/**
 * Where the file of a run is, if it is in the reports folder; null otherwise (a CLI run written elsewhere, a tampered
 * name).
 */
export async function runFilePath(deps: ReportsDeps, run: ReportRun): Promise<string | null> {
  const name = run.files[0]?.name ?? run.fileName;
  if (!SAFE_FILE_NAME.test(name)) return null;
  const root = resolve(deps.dir);
  const path = resolve(root, name);
  if (!path.startsWith(root + sep)) return null;
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

export async function listRuns(
  deps: ReportsDeps,
  filter: { campaign?: number; beforeId?: number; limit?: number },
): Promise<{ run: ReportRun; available: boolean }[]> {
  const runs = await listReportRuns(deps.ctx.store.db, filter);
  return Promise.all(runs.map(async (run) => ({ run, available: (await runFilePath(deps, run)) !== null })));
}

/** Streams the file of a run after checking it is the one produced (same SHA-256). */
export async function sendRunFile(deps: ReportsDeps, id: number, res: Response): Promise<void> {
  const run = await getReportRun(deps.ctx.store.db, id);
  if (!run) throw notFound(`aucun rapport n° ${id}`);
  const path = await runFilePath(deps, run);
  if (!path)
    throw notFound(
      `le fichier du rapport n° ${run.id} n’est pas dans le dossier des rapports du service ` +
        `(rapport écrit ailleurs, en ligne de commande, ou supprimé)`,
    );
  const expected = run.files[0]?.sha256;
  const actual = await sha256File(path);
  if (!expected || actual !== expected) {
    throw new AdminError(
      409,
      'CONFLICT',
      `le fichier du rapport n° ${run.id} ne correspond plus à l’empreinte enregistrée lors de ` +
        `sa production : il a été modifié`,
    );
  }
  res.setHeader('Content-Type', reportContentTypes[run.format]);
  res.setHeader('Content-Disposition', `attachment; filename="${run.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('X-Content-SHA256', actual);
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(path);
    stream.on('error', fail);
    res.on('finish', done);
    res.on('close', done);
    stream.pipe(res);
  });
}
