import { CompiledQuery, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOfferQuery } from '../../../src/admin/offer-filters.js';
import { countAdminOffers, listAdminOffers, type OfferSort } from '../../../src/store/offer-list.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';

/**
 * The offer list stays fast with 100,000 offers because every page is read through an index in
 * the order of the sort (keyset: no offset, no sort of the table; the submissions long unanswered
 * are offers in one state, read through an index before their JSON is) and every count through an
 * index rather than the rows, whose JSON makes them large. The plans are checked here: on
 * SQLite as its planner chooses them (it needs no statistics), on PostgreSQL with sequential
 * scans disabled, which proves an index matching each query's expressions exists.
 */

const cases: [string, Record<string, string>][] = [
  ['default', {}],
  ['state', { state: 'submitted' }],
  ['several states', { state: 'submitted,awaiting_submission' }],
  ['review', { review: '1' }],
  ['violation', { violation: '1' }],
  ['unanswered', { unansweredDays: '15' }],
  ['régime', { regime: 'agricole' }],
  ['network', { network: 'Cnaf' }],
  ['body', { body: 'CPAM' }],
  ['search', { q: 'directeur' }],
  ['search and state', { q: 'dir', state: 'submitted' }],
  [
    'keyset page',
    { after: Buffer.from(JSON.stringify(['2027-02-01T00:00:00.000Z', 'talentlink', 'x'])).toString('base64url') },
  ],
];
const sorts: OfferSort[] = ['recent', 'oldest', 'reference', 'title'];

class Capture implements KyselyPlugin {
  nodes: RootOperationNode[] = [];
  transformQuery(args: { node: RootOperationNode }) {
    this.nodes.push(args.node);
    return args.node;
  }
  async transformResult(args: { result: any }) {
    return args.result;
  }
}

describe.each(testDatabases())('offer list query plans on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'admin-plans');
  });
  afterAll(() => store?.cleanup());

  async function plans(query: Record<string, string>, sort: OfferSort): Promise<string[]> {
    const capture = new Capture();
    const db = store.db.withPlugin(capture);
    const parsed = parseOfferQuery({ campaign: '2027', ...query }, data, new Date('2027-03-01T10:00:00Z'));
    await listAdminOffers(db, parsed.filter, { sort, limit: 50, after: parsed.after });
    if (sort === 'recent') await countAdminOffers(db, parsed.filter);
    const out: string[] = [];
    for (const node of capture.nodes) {
      const compiled = store.db.getExecutor().compileQuery(node, { queryId: 'plan' } as never);
      const prefix = dialect === 'postgres' ? 'explain ' : 'explain query plan ';
      const result = await store.db.executeQuery(CompiledQuery.raw(prefix + compiled.sql, [...compiled.parameters]));
      out.push(result.rows.map((r) => Object.values(r as object).join(' ')).join('\n'));
    }
    return out;
  }

  it.each(cases)('reads "%s" through an index, for every sort, without sorting the table', async (_name, query) => {
    if (dialect === 'postgres') await sql`set enable_seqscan = off`.execute(store.db);
    try {
      for (const sort of sorts) {
        for (const plan of await plans(query, sort)) {
          if (dialect === 'sqlite') {
            expect(plan, `${sort}: ${plan}`).toMatch(/USING (COVERING )?INDEX/);
            expect(plan, `${sort}: ${plan}`).not.toMatch(/SCAN offers$/m);
            expect(plan, `${sort}: ${plan}`).not.toContain('TEMP B-TREE FOR ORDER BY');
          } else {
            expect(plan, `${sort}: ${plan}`).toMatch(/Index/);
            expect(plan, `${sort}: ${plan}`).not.toContain('Seq Scan');
          }
        }
      }
    } finally {
      if (dialect === 'postgres') await sql`reset enable_seqscan`.execute(store.db);
    }
  });
});
