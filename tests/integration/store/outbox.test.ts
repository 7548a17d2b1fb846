import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimCommands,
  completeCommand,
  deadLetterCommand,
  enqueueCommand,
  listDeadLetters,
  listOfferCommands,
  outboxStats,
  requeueDeadLetter,
  retryCommand,
  reviveSkippedCommand,
  type NewCommand,
} from '../../../src/store/outbox.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const T0 = '2026-01-05T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function command(key: string, overrides: Partial<NewCommand> = {}): NewCommand {
  return {
    idempotency_key: key,
    source: 'talentlink',
    ats_id: 'J100',
    campaign: 2026,
    kind: 'set_approver',
    payload: {
      team: {
        recruiters: [],
        operationals: [],
        approvers: [{ userId: '900', order: 1, stepOrder: 1, role: 'dérogation EN3S' }],
      },
    },
    now: T0,
    ...overrides,
  };
}

describe.each(testDatabases())('outbox on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'outbox');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('outbox').execute();
  });

  it('enqueues a command once per idempotency key', async () => {
    expect(await enqueueCommand(store.db, command('J100:set_approver:v3'))).toBe('inserted');
    expect(
      await enqueueCommand(
        store.db,
        command('J100:set_approver:v3', { kind: 'take_down', payload: { postingIds: ['7001'] } }),
      ),
    ).toBe('duplicate');
    const rows = await listOfferCommands(store.db, { source: 'talentlink', ats_id: 'J100', campaign: 2026 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'set_approver',
      payload: {
        team: {
          recruiters: [],
          operationals: [],
          approvers: [{ userId: '900', order: 1, stepOrder: 1, role: 'dérogation EN3S' }],
        },
      },
      status: 'pending',
      attempts: 0,
      next_attempt_at: T0,
      created_at: T0,
      result: null,
    });
  });

  it('hands out due commands under a lease, and an expired lease to another dispatcher', async () => {
    await enqueueCommand(store.db, command('a'));
    await enqueueCommand(store.db, command('later', { next_attempt_at: at(60_000) }));
    const first = await claimCommands(store.db, { owner: 'D1', leaseMs: 10_000, limit: 10, now: T0 });
    expect(first.map((c) => c.idempotency_key)).toEqual(['a']);
    expect(first[0]).toMatchObject({ status: 'in_flight', lease_owner: 'D1', lease_until: at(10_000) });
    expect(await claimCommands(store.db, { owner: 'D2', leaseMs: 10_000, limit: 10, now: at(9_999) })).toEqual([]);
    const second = await claimCommands(store.db, { owner: 'D2', leaseMs: 10_000, limit: 10, now: at(60_000) });
    expect(second.map((c) => c.idempotency_key)).toEqual(['a', 'later']);
    expect(await completeCommand(store.db, first[0]!.id, 'D1', { now: at(60_001), result: { ok: true } })).toBe(false);
    expect(
      await completeCommand(store.db, first[0]!.id, 'D2', {
        now: at(60_002),
        result: { ok: true },
        requestId: 'req-9',
      }),
    ).toBe(true);
    const [done] = await listOfferCommands(store.db, { source: 'talentlink', ats_id: 'J100', campaign: 2026 });
    expect(done).toMatchObject({
      status: 'done',
      done_at: at(60_002),
      result: { ok: true },
      request_id: 'req-9',
      lease_until: null,
    });
  });

  it('retries with a delay, dead-letters, lists and requeues with attempts reset', async () => {
    await enqueueCommand(store.db, command('r'));
    const claim = (now: string) => claimCommands(store.db, { owner: 'D', leaseMs: 5_000, limit: 1, now });
    const [c] = await claim(T0);
    expect(await retryCommand(store.db, c!.id, 'D', { error: 'HTTP_503', nextAttemptAt: at(30_000) })).toBe(true);
    expect(await claim(at(29_999))).toEqual([]);
    const [again] = await claim(at(30_000));
    expect(again).toMatchObject({ id: c!.id, attempts: 1, last_error: 'HTTP_503' });
    expect(await deadLetterCommand(store.db, c!.id, 'someone-else', 'NOT_FOUND')).toBe(false);
    expect(await deadLetterCommand(store.db, c!.id, 'D', 'NOT_FOUND: unknown team')).toBe(true);
    expect(await claim(at(999_999))).toEqual([]);
    const dead = await listDeadLetters(store.db, { limit: 5 });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({
      status: 'dead',
      attempts: 2,
      last_error: 'NOT_FOUND: unknown team',
      payload: command('r').payload,
    });
    expect(await requeueDeadLetter(store.db, c!.id, at(100_000))).toBe(true);
    expect(await requeueDeadLetter(store.db, c!.id, at(100_000))).toBe(false);
    expect(await claim(at(100_000))).toMatchObject([{ id: c!.id, attempts: 0, status: 'in_flight' }]);
  });

  it('never hands the same command to two concurrent dispatchers', async () => {
    for (let n = 0; n < 40; n++) await enqueueCommand(store.db, command(`k${n}`, { ats_id: `J${n}` }));
    const taken = await Promise.all(
      ['D1', 'D2', 'D3'].map(async (owner) => {
        const ids: number[] = [];
        for (;;) {
          const rows = await claimCommands(store.db, { owner, leaseMs: 60_000, limit: 3, now: T0 });
          if (rows.length === 0) return ids;
          ids.push(...rows.map((r) => r.id));
        }
      }),
    );
    expect(taken.flat()).toHaveLength(40);
    expect(new Set(taken.flat()).size).toBe(40);
  });

  it('reports depth by status and how late the oldest due command is', async () => {
    await enqueueCommand(store.db, command('s1', { now: at(-120_000) }));
    await enqueueCommand(store.db, command('s2'));
    await enqueueCommand(store.db, command('s3', { next_attempt_at: at(600_000) }));
    await enqueueCommand(store.db, command('s4'));
    const [c] = await claimCommands(store.db, { owner: 'D', leaseMs: 1_000, limit: 1, now: T0 });
    expect(c?.idempotency_key).toBe('s1');
    await deadLetterCommand(store.db, c!.id, 'D', 'gave up');
    expect(await outboxStats(store.db, at(10_000))).toEqual({
      byStatus: { pending: 3, in_flight: 0, done: 0, skipped: 0, dead: 1 },
      due: 2,
      oldestDueAgeMs: 10_000,
    });
  });

  it('keeps a command skipped unsent in a state of its own, and revives only such a command', async () => {
    await enqueueCommand(store.db, command('skip-1'));
    await enqueueCommand(store.db, command('done-1'));
    const claimed = await claimCommands(store.db, { owner: 'D', leaseMs: 1_000, limit: 2, now: T0 });
    const byKey = new Map(claimed.map((c) => [c.idempotency_key, c]));
    const note = 'no longer wanted by the process: not sent';
    expect(
      await completeCommand(store.db, byKey.get('skip-1')!.id, 'D', { now: at(1), result: { note }, skipped: true }),
    ).toBe(true);
    expect(
      await completeCommand(store.db, byKey.get('done-1')!.id, 'D', { now: at(1), result: { note: 'sent' } }),
    ).toBe(true);
    const rows = await listOfferCommands(store.db, { source: 'talentlink', ats_id: 'J100', campaign: 2026 });
    expect(rows.map((r) => [r.idempotency_key, r.status, r.result])).toEqual([
      ['skip-1', 'skipped', { note }],
      ['done-1', 'done', { note: 'sent' }],
    ]);
    expect((await outboxStats(store.db, at(2))).byStatus).toMatchObject({ done: 1, skipped: 1 });
    // Not claimed again while skipped: nothing is due.
    expect(await claimCommands(store.db, { owner: 'D', leaseMs: 1_000, limit: 5, now: at(5_000) })).toEqual([]);

    expect(await reviveSkippedCommand(store.db, 'done-1', at(10))).toBe(false);
    expect(await reviveSkippedCommand(store.db, 'skip-1', at(10))).toBe(true);
    expect(await reviveSkippedCommand(store.db, 'skip-1', at(10))).toBe(false);
    const [revived] = await claimCommands(store.db, { owner: 'E', leaseMs: 1_000, limit: 5, now: at(10) });
    expect(revived).toMatchObject({ idempotency_key: 'skip-1', status: 'in_flight', attempts: 0, result: null });
  });
});
