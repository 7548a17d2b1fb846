import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBoardEntry } from '../../../src/admin/actions.js';
import type { Principal } from '../../../src/admin/auth.js';
import { postColumns } from '../../../src/reports/columns.js';
import { generateReportFile } from '../../../src/reports/generate.js';
import type { ReportFormat, ReportOptions } from '../../../src/reports/options.js';
import { listReportRuns } from '../../../src/reports/runs.js';
import { postsJsonSchema, type PostsJson } from '../../../src/reports/schema.js';
import { readLedger } from '../../../src/store/ledger.js';
import { en3s } from '../../support/cli.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign, MARCH, type Campaign, type Letter } from './campaign.js';
import { wholeCampaign } from '../../support/report-options.js';

/**
 * The posts to enter on EN3S's online job board (instruction DSS/4B/2026/34 §1.2), on the report
 * tests' campaign lived through the real pipeline: every concerned offer and the undetermined one
 * (F), not the agent de direction (H); by body; per body; with the entries administrators
 * recorded (the day, who, when), a correction replacing the entry while the ledger keeps both.
 */

const base: ReportOptions = wholeCampaign(2027);
const alice: Principal = { name: 'alice', via: 'session', session: null };
const LISTED: Letter[] = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'I', 'J'];

describe.each(testDatabases())('posts to enter on EN3S’s board on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let dir: string;
  let files = 0;
  let now = new Date('2027-03-01T09:00:00.000Z');
  const actions = () => ({
    ctx: { ...campaign.ctx, clock: { now: () => now } },
    reconcileNow: async () => ({ ok: true }),
  });
  const key = (letter: Letter) => ({ source: 'talentlink', ats_id: atsIdOf(letter), campaign: 2027 });
  let atsIds: Record<string, string>;
  const atsIdOf = (letter: Letter) => atsIds[campaign.ref[letter]]!;

  const write = async (format: ReportFormat, options: Partial<ReportOptions> = {}) => {
    const out = join(dir, `postes-${++files}.${format}`);
    const result = await generateReportFile(store.db, data.organismsFile, {
      kind: 'posts',
      format,
      options: { ...base, ...options },
      generatedAt: MARCH,
      out,
      trigger: 'api',
      now: MARCH,
    });
    return { result, bytes: readFileSync(out) };
  };
  const json = async (options: Partial<ReportOptions> = {}): Promise<PostsJson> =>
    postsJsonSchema.parse(JSON.parse((await write('json', options)).bytes.toString('utf8')));
  const csvRecords = async (options: Partial<ReportOptions> = {}) =>
    parse((await write('csv', options)).bytes.toString('utf8').replace(/^\uFEFF/, ''), {
      delimiter: ';',
    }) as string[][];

  beforeAll(async () => {
    store = await openTestStore(dialect, 'posts-to-declare');
    campaign = await buildCampaign(store);
    const offers = await store.db.selectFrom('offers').select(['job_number', 'ats_id']).execute();
    atsIds = Object.fromEntries(offers.map((o) => [o.job_number, o.ats_id]));
    dir = mkdtempSync(join(tmpdir(), 'en3s-posts-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  it('lists every concerned post and the undetermined one, by body, none entered yet; records the run', async () => {
    const list = await json();
    expect(list).toMatchObject({
      schema: 'en3s-posts/1',
      kind: 'posts',
      campaign: 2027,
      asOf: null,
      total: { posts: 9, entered: 0, toEnter: 9 },
    });
    expect(list.posts.map((p) => p.reference).sort()).toEqual(LISTED.map((l) => campaign.ref[l]).sort());
    expect(list.posts.map((p) => p.organism)).toEqual([
      'CAF du Nord',
      'CARSAT Alsace-Moselle',
      'CGSS de La Réunion',
      'CPAM de la Gironde',
      'CPAM du Rhône',
      'MSA Midi-Pyrénées Nord',
      'UGECAM Bretagne Pays de la Loire',
      'URSSAF Bretagne',
      'URSSAF Île-de-France',
    ]);
    const a = list.posts.find((p) => p.reference === campaign.ref.A)!;
    expect(a).toMatchObject({
      title: 'Responsable du service contentieux',
      organismType: 'CPAM',
      grid: 'RG',
      level: '8',
      concerned: 'yes',
      createdAt: '2027-01-05T08:00:00.000Z',
      firstSeenAt: '2027-01-05T09:00:00.000Z',
      window: { start: '2027-01-01', end: '2027-04-30' },
      timeZone: 'Europe/Paris',
      enteredOnBoard: false,
      boardEntry: null,
    });
    expect(list.posts.find((p) => p.reference === campaign.ref.F)).toMatchObject({
      concerned: 'undetermined',
      level: null,
    });
    expect(list.posts.find((p) => p.reference === campaign.ref.G)).toMatchObject({
      timeZone: 'Indian/Reunion',
      firstSeenAt: '2026-12-31T20:30:00.000Z',
    });
    expect(list.bodies.find((b) => b.organism === 'CPAM de la Gironde')).toEqual({
      organism: 'CPAM de la Gironde',
      organismType: 'CPAM',
      posts: 1,
      entered: 0,
      toEnter: 1,
    });
    const [run] = await listReportRuns(store.db, { kind: 'posts' });
    expect(run).toMatchObject({ kind: 'posts', format: 'json', rowCount: 9 });
  });

  it('writes the CSV with the reports’ options: French titles, dates in the body’s legal time', async () => {
    const [head, ...rows] = await csvRecords();
    expect(head).toEqual(postColumns.map((c) => c.title));
    expect(rows).toHaveLength(9);
    const col = (title: string) => head!.indexOf(title);
    const g = rows.find((r) => r[col("Référence de l'offre")] === campaign.ref.G)!;
    // First seen on 31 December at 20:30 UTC: already 1 January in Saint-Denis de La Réunion.
    expect(g[col('Vue par le connecteur le')]).toBe('01/01/2027');
    expect(g[col('Période EN3S : du')]).toBe('01/01/2027');
    expect(g[col('Période EN3S : au')]).toBe('30/04/2027');
    expect(g[col("Saisie sur la bourse de l'EN3S")]).toBe('non');
    const f = rows.find((r) => r[col("Référence de l'offre")] === campaign.ref.F)!;
    expect(f[col('Concernée')]).toBe('indéterminée (données manquantes)');
  });

  it('gives one body its own list, by name or by type, and filters on a network', async () => {
    expect((await json({ body: 'cpam de la gironde' })).posts.map((p) => p.reference)).toEqual([campaign.ref.A]);
    expect((await json({ body: 'CPAM' })).posts.map((p) => p.reference)).toEqual([campaign.ref.A, campaign.ref.F]);
    const [, ...rows] = await csvRecords({ body: 'URSSAF Bretagne' });
    expect(rows.map((r) => r[3])).toEqual([campaign.ref.I]);
    expect((await json({ network: 'Cnav' })).posts.map((p) => p.organism)).toEqual([
      'CARSAT Alsace-Moselle',
      'CGSS de La Réunion',
    ]);
    expect((await json({ network: 'Cnav', primaryNetworks: 'primary' })).posts.map((p) => p.organism)).toEqual([
      'CARSAT Alsace-Moselle',
    ]);
  });

  it('says the posts entered, when and by whom; a correction replaces the entry, the ledger keeps both', async () => {
    const first = await recordBoardEntry(
      actions(),
      key('A'),
      { enteredOn: '2027-01-12', note: 'Saisi par la DRH' },
      alice,
    );
    expect(first.outcome).toBe('created');
    now = new Date('2027-03-02T10:00:00.000Z');
    const corrected = await recordBoardEntry(
      actions(),
      key('A'),
      { enteredOn: '2027-01-14' },
      { ...alice, name: 'bob' },
    );
    expect(corrected).toMatchObject({
      outcome: 'superseded',
      entry: { entered_on: '2027-01-14', note: null, recorded_by: 'bob', revision: 2 },
      supersedes: { entered_on: '2027-01-12' },
    });
    const again = await recordBoardEntry(actions(), key('A'), { enteredOn: '2027-01-14' }, alice);
    expect(again.outcome).toBe('unchanged');
    await recordBoardEntry(actions(), key('G'), {}, alice);

    const list = await json();
    expect(list.total).toEqual({ posts: 9, entered: 2, toEnter: 7 });
    expect(list.posts.find((p) => p.reference === campaign.ref.A)).toMatchObject({
      enteredOnBoard: true,
      boardEntry: { enteredOn: '2027-01-14', note: null, recordedBy: 'bob', recordedAt: '2027-03-02T10:00:00.000Z' },
    });
    // Default: today in the body's legal time (14:00 in La Réunion).
    expect(list.posts.find((p) => p.reference === campaign.ref.G)?.boardEntry?.enteredOn).toBe('2027-03-02');

    const [head, ...rows] = await csvRecords();
    const a = rows.find((r) => r[head!.indexOf("Référence de l'offre")] === campaign.ref.A)!;
    expect([
      a[head!.indexOf("Saisie sur la bourse de l'EN3S")],
      a[head!.indexOf('Saisie le')],
      a[head!.indexOf('Saisie enregistrée par')],
      a[head!.indexOf('Saisie enregistrée le')],
    ]).toEqual(['oui', '14/01/2027', 'bob', '02/03/2027']);

    const entries = (await readLedger(store.db, { offer: key('A'), limit: 10_000 })).filter(
      (e) => e.kind === 'admin.board_entry',
    );
    expect(entries.map((e) => [e.actor, e.actor_name, (e.data as { enteredOn: string }).enteredOn])).toEqual([
      ['administrator', 'alice', '2027-01-12'],
      ['administrator', 'bob', '2027-01-14'],
    ]);
    expect(entries[1]!.data).toMatchObject({
      supersedes: { enteredOn: '2027-01-12', recordedBy: 'alice', note: 'Saisi par la DRH' },
    });
  });

  it('refuses to record a post not concerned, or a day after today or long before the campaign', async () => {
    await expect(recordBoardEntry(actions(), key('H'), {}, alice)).rejects.toMatchObject({
      status: 409,
      code: 'CONFLICT',
    });
    await expect(recordBoardEntry(actions(), key('B'), { enteredOn: '2027-03-03' }, alice)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('date de saisie'),
    });
    await expect(recordBoardEntry(actions(), key('B'), { enteredOn: '2025-12-31' }, alice)).rejects.toMatchObject({
      status: 400,
    });
  });

  it('writes the XLSX: the posts sheet with real dates and an autofilter, then the count per body', async () => {
    const { bytes } = await write('xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Postes à saisir', 'Par organisme']);
    const posts = book.getWorksheet('Postes à saisir')!;
    expect(posts.getRow(1).values).toEqual([undefined, ...postColumns.map((c) => c.title)]);
    const col = (title: string) => postColumns.findIndex((c) => c.title === title) + 1;
    const a = posts.getRows(2, 9)!.find((r) => r.getCell(col("Référence de l'offre")).value === campaign.ref.A)!;
    expect(a.getCell(col('Saisie le')).value).toEqual(new Date('2027-01-14T00:00:00.000Z'));
    expect(a.getCell(col('Saisie le')).numFmt).toBe('dd/mm/yyyy');
    const bodies = book.getWorksheet('Par organisme')!;
    expect(bodies.getRow(1).getCell(1).value).toBe(
      "Postes à saisir sur la bourse en ligne des postes de l'EN3S — campagne 2027",
    );
    const total = bodies.getRows(1, bodies.rowCount)!.find((r) => r.getCell(1).value === 'Total')!;
    expect([total.getCell(3).value, total.getCell(4).value, total.getCell(5).value]).toEqual([9, 2, 7]);
  });

  it('en3s report posts-to-declare writes a body’s list, says so; refuses what it can’t take (exit 2, French)', () => {
    const out = join(dir, 'gironde.csv');
    const result = en3s([
      'report',
      'posts-to-declare',
      '--campaign',
      '2027',
      '--format',
      'csv',
      '--out',
      out,
      '--body',
      'CPAM de la Gironde',
      '--db',
      store.url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        /^Liste des postes à saisir sur la bourse de l'EN3S écrite : /.source +
          /.*gironde\.csv \(1 poste, SHA-256 [0-9a-f]{64}\)\.\n$/.source,
      ),
    );
    const records = parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(records[1]?.slice(0, 5)).toEqual([
      'CPAM de la Gironde',
      'CPAM',
      'Cnam',
      campaign.ref.A,
      'Responsable du service contentieux',
    ]);
    for (const [args, message] of [
      [['--format', 'html'], /--format : « html » inconnu ; attendu csv, xlsx, json/],
      [['--format', 'csv', '--as-of', '2027-02-01'], /sans date de situation/],
      [['--format', 'csv', '--state', 'submitted'], /sans filtre d’état/],
    ] as const) {
      const refused = en3s([
        'report',
        'posts-to-declare',
        '--campaign',
        '2027',
        ...args,
        '--out',
        join(dir, 'x.csv'),
        '--db',
        store.url,
      ]);
      expect(refused.code, args.join(' ')).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
  });
});
