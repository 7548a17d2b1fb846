import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvBlockRecordsMaker } from '../../../src/store/offer-report-csv-block.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import {
  CSV_CELLS_VERSION,
  csvAheadOf,
  hasCsvAhead,
  MomentCells,
  reportCsvHead,
  reportCsvPage,
  writeReportCsv,
} from '../../../src/reports/render-csv.js';
import { finishRow, rowContext, type ReportFacts } from '../../../src/reports/rows.js';
import { reportCsvPages, reportPages } from '../../../src/reports/source.js';
import { readOfferReportCsvBlock, writeOfferReport } from '../../../src/store/offer-report.js';
import { data } from '../../support/domain.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { AFTER, buildCampaign, MARCH } from './campaign.js';
import { wholeCampaign } from '../../support/report-options.js';

/**
 * The CSV report as it stands joins each projection's stored text of its fixed columns with the
 * cells of the row's moment. It must give exactly the bytes of rendering every row whole, as the
 * other formats do: for any values (property test), for the campaign lived through the pipeline
 * under every option, and for projections without stored text or with text of another version.
 */

const whole = (facts: ReportFacts, referenceAt: string, rule: 'all' | 'primary' = 'all') =>
  reportCsvPage([finishRow(facts, rowContext(referenceAt, rule))]);
/**
 * The record made from what the pipeline stores ahead, as a report as it stands makes it (null: nothing stored ahead).
 */
const joined = (facts: ReportFacts, referenceAt: string, rule: 'all' | 'primary' = 'all') => {
  const row = { networks: facts.networks, ...csvAheadOf(facts) };
  if (!hasCsvAhead(row)) return null;
  const cells = new MomentCells(rowContext(referenceAt, rule));
  return cells.record(row.csv_cells, cells.moment(row));
};

/** Text a recruiter or the ATS may type: separators, quotes, line breaks, formula starts, accents. */
const units = ['a', 'é', ' ', ';', '"', '\n', '\r', '=', '+', '-', '@', '\t', ',', "'", '0'];
// Now and then the separator of the text stored ahead (such a row is rendered whole).
const typed = fc.oneof(
  { weight: 50, arbitrary: fc.string({ unit: fc.constantFrom(...units), maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...units, '\u001f'), maxLength: 12 }) },
);
const instant = fc.constantFrom(
  '2027-01-04T08:00:00.000Z',
  '2027-02-11T22:59:59.999Z',
  '2027-03-01T07:00:00.000Z',
  '2027-05-03T07:00:00.000Z',
);
const day = fc.constantFrom('2027-01-04', '2027-02-11', '2027-04-30');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

const factsArb: fc.Arbitrary<ReportFacts> = fc.record({
  campaign: fc.constant(2027),
  job_number: typed,
  source: fc.constant('talentlink'),
  ats_id: typed,
  title: typed,
  state: fc.constantFrom(
    'approved',
    'refused',
    'submitted',
    'refusal_observed',
    'released',
    'awaiting_approver',
    'awaiting_submission',
    'not_concerned',
    'published_without_approval',
  ),
  regime: maybe(fc.constantFrom('general', 'agricole', 'mines', 'inconnu')),
  organism: typed,
  organism_type: maybe(typed),
  networks: fc
    .array(fc.constantFrom('Assurance maladie', 'Famille', 'Recouvrement ; URSSAF', 'Réseau "x"'), { maxLength: 3 })
    .map((n) => JSON.stringify(n)),
  grid: maybe(typed),
  level: maybe(typed),
  time_zone: fc.constantFrom('Europe/Paris', 'Indian/Reunion'),
  concerned: fc.constantFrom('yes' as const, 'no' as const, 'undetermined' as const),
  reason: typed,
  cited_text: typed,
  offer_created_at: instant,
  offer_created_day: maybe(day),
  team_at: maybe(instant),
  team_day: maybe(day),
  team_by: fc.constantFrom('connector', 'recruiter'),
  approval_at: maybe(instant),
  approval_day: maybe(day),
  approval_by: fc.constantFrom('en3s_only', 'with_others'),
  due_date: fc.constant(null),
  overdue_from: fc.constant(null),
  en3s_answer: maybe(
    fc.constantFrom('approved_by_en3s', 'approved_observed', 'refused_by_en3s', 'refused_observed', 'none'),
  ),
  en3s_at: maybe(instant),
  en3s_day: maybe(day),
  answer_days: maybe(fc.constantFrom(0, 4.9, 12, 30.5)),
  published_at: maybe(instant),
  published_day: maybe(day),
  channel: maybe(typed),
  violation: fc.constantFrom(0, 1),
  withdrawn_at: maybe(instant),
  withdrawn_day: maybe(day),
  fix_action: maybe(fc.constantFrom('take-down-requested', 'reported')),
  fix_at: maybe(instant),
  fix_day: maybe(day),
  state_since: instant,
  state_since_day: maybe(day),
  released: fc.constantFrom(0, 1),
  entered_process: fc.constantFrom(0, 1),
});

describe('CSV records from the stored text of the fixed columns', () => {
  it('are the bytes of the row rendered whole, for any values, instant and networks rule', () => {
    let ahead = 0;
    fc.assert(
      fc.property(factsArb, instant, fc.constantFrom('all' as const, 'primary' as const), (facts, at, rule) => {
        const record = joined(facts, at, rule);
        if (record !== null) ahead += 1;
        expect(record ?? whole(facts, at, rule)).toBe(whole(facts, at, rule));
      }),
      { numRuns: 2000 },
    );
    // Most rows are stored ahead; those holding the separator (U+001F) or an empty moment value are not.
    expect(ahead).toBeGreaterThan(500);
  });

  it('are not made from a stored text with too few or too many runs (the row is rendered whole)', () => {
    const facts = fc.sample(
      factsArb.filter((f) => joined(f, MARCH) !== null),
      { numRuns: 1, seed: 5 },
    )[0]!;
    const row = { networks: facts.networks, ...csvAheadOf(facts) };
    if (!hasCsvAhead(row)) throw new Error('expected a row stored ahead');
    const cells = new MomentCells(rowContext(MARCH, 'all'));
    const moment = cells.moment(row);
    expect(cells.record(row.csv_cells, moment)).toBe(whole(facts, MARCH));
    const runs = row.csv_cells.split('\u001f');
    expect(cells.record(runs.slice(1).join('\u001f'), moment)).toBeNull();
    expect(cells.record([...runs, 'x'].join('\u001f'), moment)).toBeNull();
  });

  it('are not stored ahead for a row holding the separator or an empty moment value', () => {
    const facts = fc.sample(
      factsArb.filter((f) => joined(f, MARCH) !== null),
      { numRuns: 1, seed: 3 },
    )[0]!;
    expect(csvAheadOf({ ...facts, title: 'a\u001fb' })).toEqual({
      csv_version: null,
      csv_cells: null,
      csv_moment: null,
    });
    expect(csvAheadOf({ ...facts, channel: '' })).toEqual({ csv_version: null, csv_cells: null, csv_moment: null });
    expect(csvAheadOf({ ...facts, channel: '7001' }).csv_version).toBe(CSV_CELLS_VERSION);
  });

  it('quote a field holding a lone line feed or carriage return, which Excel would take for the end of the row', () => {
    const facts = fc.sample(factsArb, { numRuns: 1, seed: 7 })[0]!;
    const record = whole(
      { ...facts, title: 'Chef\nde service', reason: 'a\rb', job_number: 'R1', organism: 'CAF' },
      MARCH,
    );
    expect(record).toContain(';"Chef\nde service";');
    expect(record).toContain(';"a\rb";');
  });

  it('are those of the version the reports read (raise CSV_CELLS_VERSION when this text changes)', () => {
    const facts: ReportFacts = {
      campaign: 2027,
      job_number: 'NVHADD0000001',
      source: 'talentlink',
      ats_id: 'J1',
      title: '=Chef ; "adjoint"',
      state: 'approved',
      regime: 'general',
      organism: 'CPAM de la Gironde',
      organism_type: 'CPAM',
      networks: '["Assurance maladie"]',
      grid: 'RG',
      level: '8',
      time_zone: 'Europe/Paris',
      concerned: 'yes',
      reason: 'Régime général, niveau 8 : concernée',
      cited_text: 'Instruction §1.1',
      offer_created_at: '2027-01-04T08:00:00.000Z',
      offer_created_day: '2027-01-04',
      team_at: '2027-01-04T09:00:00.000Z',
      team_day: '2027-01-04',
      team_by: 'connector',
      approval_at: '2027-01-04T10:00:00.000Z',
      approval_day: '2027-01-04',
      approval_by: 'en3s_only',
      due_date: null,
      overdue_from: null,
      en3s_answer: 'approved_by_en3s',
      en3s_at: '2027-01-09T08:00:00.000Z',
      en3s_day: '2027-01-09',
      answer_days: 4.9,
      published_at: null,
      published_day: null,
      channel: null,
      violation: 1,
      withdrawn_at: null,
      withdrawn_day: null,
      fix_action: 'reported',
      fix_at: '2027-01-05T08:00:00.000Z',
      fix_day: '2027-01-05',
      state_since: '2027-01-09T08:00:00.000Z',
      state_since_day: '2027-01-09',
      released: 0,
      entered_process: 1,
    };
    expect(CSV_CELLS_VERSION).toBe(3);
    expect(csvAheadOf(facts)).toEqual({
      csv_version: 3,
      csv_cells: [
        'NVHADD0000001;"\'=Chef ; ""adjoint""";CPAM de la Gironde;CPAM;Régime général',
        'RG 8;04/01/2027;oui;Régime général, niveau 8 : concernée;Instruction §1.1;04/01/2027;le ' +
          "connecteur;04/01/2027;l'EN3S seule;approbation;09/01/2027;oui;4,9",
        'oui',
        'Approuvée;09/01/2027',
      ].join('\u001f'),
      csv_moment: ['', '', '', '', '', 'reported', '2027-01-05T08:00:00.000Z', '2027-01-05'].join('\u001f'),
    });
  });
});

describe.each(testDatabases())('CSV report as it stands on %s', (dialect) => {
  let store: TestStore;
  const base: ReportOptions = wholeCampaign(2027);

  beforeAll(async () => {
    store = await openTestStore(dialect, 'csv-cells');
    const campaign = await buildCampaign(store);
    await campaign.closeWindow();
  });
  afterAll(() => store?.cleanup());

  /** The report's text the way it is made, and rendered whole from the rows every format reads. */
  async function both(options: ReportOptions, at: string, pageSize = 3): Promise<[string, string]> {
    let made = '';
    for await (const page of reportCsvPages(store.db, options, at, data.organismsFile, { pageSize }))
      made += page.text.toString();
    let rendered = '';
    for await (const rows of reportPages(store.db, options, at, data.organismsFile, { pageSize }))
      rendered += reportCsvPage(rows);
    return [made, rendered];
  }

  const cases: [string, Partial<ReportOptions>][] = [
    ['every offer', {}],
    ['primary networks only', { primaryNetworks: 'primary' }],
    ['one network', { network: 'Cnaf' }],
    ['a second network of a body', { network: 'Cnav' }],
    ['one régime', { regime: 'agricole' }],
    ['one body type', { body: 'CPAM' }],
    ['one body by name', { body: 'CAF du Nord' }],
    ['some states', { states: ['approved', 'released'] }],
  ];

  it.each(cases)('is the whole rendering of the rows: %s, at several instants', async (_name, options) => {
    for (const at of [MARCH, AFTER, '2027-01-08T14:02:00.000Z']) {
      const [made, rendered] = await both({ ...base, ...options }, at);
      expect(made).toBe(rendered);
    }
  });

  it('renders whole the projections without stored text or with another version’s, with the same bytes', async () => {
    const [before] = await both(base, MARCH, 100);
    expect(before.split('\r\n').length).toBeGreaterThan(5);
    const rows = await store.db
      .selectFrom('offer_report_csv')
      .select(['source', 'ats_id'])
      .orderBy('job_number')
      .execute();
    await store.db
      .updateTable('offer_report_csv')
      .set({ csv_version: null, csv_cells: null, csv_moment: null })
      .where('ats_id', '=', rows[1]!.ats_id)
      .execute();
    await store.db
      .updateTable('offer_report_csv')
      .set({ csv_version: CSV_CELLS_VERSION + 1, csv_cells: 'stale' })
      .where('ats_id', '=', rows[3]!.ats_id)
      .execute();
    const [after, rendered] = await both(base, MARCH, 100);
    expect(after).toBe(before);
    expect(after).toBe(rendered);
    expect(after).not.toContain('stale');
    // A database migrated from before 0005: no row holds its text yet.
    await store.db
      .updateTable('offer_report_csv')
      .set({ csv_version: null, csv_cells: null, csv_moment: null })
      .execute();
    for (const pageSize of [1, 3, 100]) expect((await both(base, MARCH, pageSize))[0]).toBe(before);
    const [filtered, renderedFiltered] = await both({ ...base, network: 'Cnav', primaryNetworks: 'primary' }, AFTER, 2);
    expect(filtered).toBe(renderedFiltered);
  });

  it('writes the file with its head and counts the offers', async () => {
    const chunks: Buffer[] = [];
    const { Writable } = await import('node:stream');
    const out = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        chunks.push(Buffer.from(chunk));
        done();
      },
    });
    const count = await writeReportCsv(reportCsvPages(store.db, base, AFTER, data.organismsFile, { pageSize: 2 }), out);
    const text = Buffer.concat(chunks).toString('utf8');
    const total = Number(
      (await sql<{ n: number }>`select count(*) as n from offer_report where campaign = 2027`.execute(store.db))
        .rows[0]!.n,
    );
    expect(count).toBe(total);
    expect(text.startsWith(reportCsvHead())).toBe(true);
    expect(text.split('\r\n').length - 2).toBe(total);
  });
});

describe('CSV records read as blocks of bytes, on SQLite', () => {
  let store: TestStore;
  const base: ReportOptions = wholeCampaign(2027);
  beforeAll(async () => {
    store = await openTestStore('sqlite', 'csv-blocks');
  });
  afterAll(() => store?.cleanup());

  /** The projections of these offers, as the pipeline writes them, and nothing else. */
  async function holdOnly(offers: readonly ReportFacts[]): Promise<void> {
    await store.db.deleteFrom('offer_report').execute();
    await store.db.deleteFrom('offer_report_csv').execute();
    for (const facts of offers)
      await writeOfferReport(
        store.db,
        { source: facts.source, ats_id: facts.ats_id, campaign: 2027 },
        facts,
        csvAheadOf(facts),
      );
  }

  async function both(options: ReportOptions, at: string, pageSize: number): Promise<[string, string]> {
    let made = '';
    for await (const page of reportCsvPages(store.db, options, at, data.organismsFile, { pageSize }))
      made += page.text.toString();
    let rendered = '';
    for await (const rows of reportPages(store.db, options, at, data.organismsFile, { pageSize }))
      rendered += reportCsvPage(rows);
    return [made, rendered];
  }

  /** Keys and texts holding now and then the separators of a block (U+001D, U+001E) or of the stored text (U+001F). */
  const hostile = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.string({ unit: fc.constantFrom('a', 'B', '0', 'é', ';', '"'), minLength: 1, maxLength: 6 }),
    },
    {
      weight: 1,
      arbitrary: fc.string({
        unit: fc.constantFrom('a', 'é', '\u001d', '\u001e', '\u001f'),
        minLength: 1,
        maxLength: 6,
      }),
    },
  );
  const offersArb = fc.uniqueArray(
    fc
      .tuple(factsArb, hostile, hostile, hostile)
      .map(([facts, job, ats, title]) => ({ ...facts, job_number: job, ats_id: ats, title: `${facts.title}${title}` })),
    { selector: (f) => f.ats_id, maxLength: 30 },
  );

  it('give the bytes of rows rendered whole, for any values, keys, page size, networks rule and network', async () => {
    await fc.assert(
      fc.asyncProperty(
        offersArb,
        instant,
        fc.constantFrom('all' as const, 'primary' as const),
        fc.constantFrom(1, 2, 7, 250),
        fc.constantFrom(null, 'Famille', 'Recouvrement ; URSSAF'),
        async (offers, at, primaryNetworks, pageSize, network) => {
          await holdOnly(offers);
          const [made, rendered] = await both({ ...base, primaryNetworks, network }, at, pageSize);
          expect(made).toBe(rendered);
        },
      ),
      { numRuns: 300 },
    );
  });

  /** The first `limit` rows of the campaign as a block, and what the maker makes of it. */
  async function firstBlock(limit: number, network: string | null = null) {
    const scan = { campaign: 2027, regime: null, states: null, organismType: null };
    const block = await readOfferReportCsvBlock(store.db, scan, { after: null, until: null }, limit, CSV_CELLS_VERSION);
    if (block === null) throw new Error('expected a block on SQLite');
    return {
      block,
      made: new CsvBlockRecordsMaker(new MomentCells(rowContext(MARCH, 'all')).layout(), network).render(block),
    };
  }

  it('are used when each row has its record; refused on a separator in a field, no record, or lost order', async () => {
    const offers = fc
      .sample(
        factsArb.filter((f) => hasCsvAhead({ networks: f.networks, ...csvAheadOf(f) })),
        { numRuns: 6, seed: 11 },
      )
      .map((f, i) => ({ ...f, job_number: `R${i}`, ats_id: `J${i}` }));
    await holdOnly(offers);
    const good = await firstBlock(10);
    expect(good.block).toMatchObject({ rows: 6, ready: 6 });
    expect(good.made?.rows).toBe(6);
    expect(good.made?.last).toEqual(['R5', 'talentlink', 'J5']);
    expect(good.made?.bytes.toString()).toBe(offers.map((f) => whole(f, MARCH)).join(''));
    // A page cut short still names its last row.
    expect((await firstBlock(2)).made?.last).toEqual(['R1', 'talentlink', 'J1']);

    const refusedWith = async (change: () => Promise<unknown>) => {
      await holdOnly(offers);
      await change();
      return (await firstBlock(10)).made;
    };
    const ofRow = (i: number) => store.db.updateTable('offer_report_csv').where('ats_id', '=', `J${i}`);
    expect(
      await refusedWith(() => ofRow(2).set({ csv_cells: null, csv_version: null, csv_moment: null }).execute()),
    ).toBeNull();
    expect(
      await refusedWith(() =>
        ofRow(2)
          .set({ csv_version: CSV_CELLS_VERSION + 1 })
          .execute(),
      ),
    ).toBeNull();
    expect(await refusedWith(() => ofRow(3).set({ ats_id: 'J3\u001e' }).execute())).toBeNull();
    expect(await refusedWith(() => ofRow(3).set({ job_number: 'R3\u001dx' }).execute())).toBeNull();
    // Separators that end a row early with as many fields as a row has (found by the property test below).
    expect(await refusedWith(() => ofRow(3).set({ ats_id: 'J3\u001e\u001e\u001e\u001dx' }).execute())).toBeNull();
    expect(await refusedWith(() => ofRow(5).set({ networks: '["a\u001eb"]' }).execute())).toBeNull();
    expect(
      await refusedWith(() =>
        sql`update offer_report_csv set csv_cells = csv_cells || char(30) where ats_id = 'J4'`.execute(store.db),
      ),
    ).toBeNull();
    expect(
      await refusedWith(() =>
        sql`update offer_report_csv set csv_cells = csv_cells || char(29) || 'x' where ats_id = 'J4'`.execute(store.db),
      ),
    ).toBeNull();
    expect(
      await refusedWith(() =>
        sql`update offer_report_csv set csv_cells = csv_cells || char(31) where ats_id = 'J0'`.execute(store.db),
      ),
    ).toBeNull();

    // Rows out of order (SQL does not promise the order of the joined rows): refused.
    await holdOnly(offers);
    const { block } = await firstBlock(10);
    const rows = block.block.toString('latin1').split('\u001d');
    const swapped = Buffer.from([rows[1], rows[0], ...rows.slice(2)].join('\u001d'), 'latin1');
    expect(
      new CsvBlockRecordsMaker(new MomentCells(rowContext(MARCH, 'all')).layout(), null).render({
        ...block,
        block: swapped,
      }),
    ).toBeNull();
  });

  it('leave out the rows of other networks and still name the page last row', async () => {
    const offers = fc
      .sample(
        factsArb.filter((f) => hasCsvAhead({ networks: f.networks, ...csvAheadOf(f) })),
        { numRuns: 4, seed: 2 },
      )
      .map((f, i) => ({
        ...f,
        job_number: `R${i}`,
        ats_id: `J${i}`,
        networks: JSON.stringify(i === 1 ? ['Famille'] : ['Assurance maladie']),
      }));
    await holdOnly(offers);
    const { made } = await firstBlock(10, 'Famille');
    expect(made?.rows).toBe(1);
    expect(made?.bytes.toString()).toBe(whole(offers[1]!, MARCH));
    expect(made?.last).toEqual(['R3', 'talentlink', 'J3']);
  });
});

describe.each(testDatabases().filter((d) => d !== 'sqlite'))('CSV records on %s', (dialect) => {
  it('are read as rows (blocks are for SQLite)', async () => {
    const store = await openTestStore(dialect, 'csv-no-blocks');
    try {
      const scan = { campaign: 2027, regime: null, states: null, organismType: null };
      expect(
        await readOfferReportCsvBlock(store.db, scan, { after: null, until: null }, 10, CSV_CELLS_VERSION),
      ).toBeNull();
    } finally {
      await store.cleanup();
    }
  });
});
