import { afterEach, describe, expect, it } from 'vitest';
import type { AtsConnector, AtsError, AtsResult } from '../../../connectors/ats-connector.js';
import { createTalentLinkClient } from '../../../connectors/talentlink/client.js';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import { loadTalentLinkMapping } from '../../../connectors/talentlink/mapping.js';
import { loadConfig } from '../../../src/config.js';
import { loadDomainData } from '../../../src/mappings/load.js';
import { policyFromConfig, silentLogger } from '../../../src/pipeline/context.js';
import { Dispatcher } from '../../../src/pipeline/dispatcher.js';
import { enqueueCommand } from '../../../src/store/outbox.js';
import { freePort } from '../../support/e2e-processes.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * An ATS down for longer than the dispatcher's retries would last: while the client's circuit
 * is open, a command is not sent at all, so it must neither spend its attempts nor reach
 * dead-letter; it waits for the breaker's next trial and goes through once the ATS answers.
 */

const start = Date.parse('2027-02-01T09:00:00.000Z');

function stubAts(answer: () => AtsResult<JobDocument>): AtsConnector & { calls: number } {
  const unused = async (): Promise<never> => {
    throw new Error('not used by this test');
  };
  const stub = {
    name: 'stub',
    calls: 0,
    getJob: unused,
    listChanged: unused,
    assignApprovalTeam: unused,
    startApproval: unused,
    withdrawPosting: unused,
    readQueue: unused,
    ackQueue: unused,
    async setPublicationLock() {
      stub.calls += 1;
      return answer();
    },
  };
  return stub;
}

const circuitOpen: AtsError = { kind: 'transient', code: 'CIRCUIT_OPEN', message: 'not sent, the circuit to the ATS is open', retryAfterMs: 20_000 };

describe('the TalentLink client with its circuit open', () => {
  it('says when the breaker will let a trial through', async () => {
    const port = await freePort();
    const client = createTalentLinkClient({
      baseUrl: `http://127.0.0.1:${port}`,
      user: 'demo:demo:BO',
      password: 'demo',
      apiKey: 'demo',
      timeoutMs: 1000,
      circuitBreaker: { failureThreshold: 2, coolDownMs: 10_000 },
    });
    for (let i = 0; i < 2; i++) expect(await client.getJob('1')).toMatchObject({ ok: false, error: { kind: 'transient', code: 'NETWORK' } });
    const refused = await client.getJob('1');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'transient', code: 'CIRCUIT_OPEN' } });
    const wait = refused.ok ? 0 : (refused.error.retryAfterMs ?? 0);
    expect(wait).toBeGreaterThan(9000);
    expect(wait).toBeLessThanOrEqual(10_000);
  });
});

describe.each(testDatabases())('the dispatcher during a long ATS outage, on %s', (dialect) => {
  let store: TestStore;
  afterEach(async () => store.cleanup());

  it('neither counts nor dead-letters commands the open circuit did not send, and sends them once it closes', async () => {
    store = await openTestStore(dialect, 'ats-outage');
    let now = start;
    let down = true;
    const ats = stubAts(() => (down ? { ok: false, error: circuitOpen } : { ok: false, error: { kind: 'transient', code: 'HTTP_503', message: 'HTTP 503', status: 503 } }));
    const ctx = { store, domain: loadDomainData(), mapping: loadTalentLinkMapping(), policy: policyFromConfig(loadConfig({})), clock: { now: () => new Date(now) }, log: silentLogger, ats };
    const dispatcher = new Dispatcher(ctx, { owner: 'test', maxAttempts: 3, random: () => 0.5 });
    await enqueueCommand(store.db, {
      idempotency_key: 'lock:48001:on:1',
      source: 'talentlink',
      ats_id: '48001',
      campaign: 2027,
      kind: 'set_lock',
      payload: { locked: true, reason: 'Période EN3S' },
      now: new Date(now).toISOString(),
    });
    const command = () => store.db.selectFrom('outbox').selectAll().where('idempotency_key', '=', 'lock:48001:on:1').executeTakeFirstOrThrow();

    // An hour of outage, far beyond three attempts: every call refused by the open circuit.
    for (let round = 0; round < 180; round++) {
      expect(await dispatcher.runOnce()).toBe(1);
      const row = await command();
      expect(row).toMatchObject({ status: 'pending', attempts: 0 });
      // The breaker's wait plus 250 ms + half a second of spread (random 0.5).
      expect(Date.parse(row.next_attempt_at)).toBe(now + 20_000 + 750);
      now = Date.parse(row.next_attempt_at);
    }
    expect(ats.calls).toBe(180);
    const ledger = await store.db.selectFrom('ledger').select('kind').execute();
    expect(ledger).toEqual([]);

    // The trial reaches the ATS and fails for real: that one counts.
    down = false;
    expect(await dispatcher.runOnce()).toBe(1);
    expect(await command()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP_503 (HTTP 503): HTTP 503' });
  });
});
