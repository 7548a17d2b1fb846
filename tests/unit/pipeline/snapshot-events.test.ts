import { describe, expect, it } from 'vitest';
import type { JobRead, QueueElement } from '../../../connectors/ats-port.js';
import {
  SNAPSHOT_EVENT as JOB_SNAPSHOT_EVENT,
  parseSnapshotBody,
  snapshotEvent,
  snapshotEventId,
} from '../../../src/pipeline/snapshot-events.js';
import { MemoryQueueAts } from '../../support/memory-queue-ats.js';

/** The inbox row of a job read because a queue named it: its key comes from what was read, not from the element. */

async function readJob(ats: MemoryQueueAts, id: string): Promise<JobRead> {
  const read = await ats.client('test').fetchJob(id);
  if (!read.ok) throw new Error(read.error.message);
  return read.value;
}

const element = (elementId: string): QueueElement => ({
  kind: 'job',
  queueName: 'EN3S offres',
  elementId,
  jobId: '31',
  atsStatus: 'Brouillon',
});

describe('snapshot events', () => {
  it('one observation read twice, via two elements at two instants, has one key; a change makes another', async () => {
    let now = Date.parse('2027-01-18T10:00:00.000Z');
    const ats = new MemoryQueueAts({ now: () => new Date(now) });
    ats.addQueue('EN3S offres', 'job');
    ats.putJob('31');
    const first = snapshotEvent('talentlink', await readJob(ats, '31'), {
      origin: 'queue',
      element: element('1001'),
      posting: null,
    });
    now += 60_000;
    const again = snapshotEvent('talentlink', await readJob(ats, '31'), {
      origin: 'queue',
      element: element('1002'),
      posting: null,
    });
    ats.putJob('31', { status: 'En attente d’approbation' });
    const changed = snapshotEvent('talentlink', await readJob(ats, '31'), {
      origin: 'queue',
      element: element('1003'),
      posting: null,
    });
    if (!first.ok || !again.ok || !changed.ok) throw new Error('expected rows');
    expect(again.event.event_id).toBe(first.event.event_id);
    expect(changed.event.event_id).not.toBe(first.event.event_id);
    expect(first.event).toMatchObject({
      source: 'talentlink',
      event_type: JOB_SNAPSHOT_EVENT,
      job_id: '31',
      job_version: null,
      received_at: '2027-01-18T10:00:00.000Z',
    });
    // When the job last changed, as the ATS says (its updateDate), in the key too.
    expect(first.event.occurred_at).toBe('2027-01-18T10:00:00.000Z');
    expect(first.event.event_id).toMatch(new RegExp(`^job-read:31:${Date.parse('2027-01-18T10:00:00.000Z')}:`));
    const body = parseSnapshotBody(first.event.body);
    expect(body).toMatchObject({
      ok: true,
      value: {
        fetchedAt: '2027-01-18T10:00:00.000Z',
        origin: 'queue',
        queue: { name: 'EN3S offres', kind: 'job', elementId: '1001' },
        posting: null,
      },
    });
  });

  it('the same job with a posting is another observation than without', () => {
    const doc = '{"opening":{"id":31}}';
    const posting = { id: '9001', atsStatus: 'Publiée', postedAt: '2027-01-18T10:00:00.000Z' };
    expect(snapshotEventId('31', '2027-01-18T09:00:00.000Z', doc, posting)).not.toBe(
      snapshotEventId('31', '2027-01-18T09:00:00.000Z', doc, null),
    );
    expect(snapshotEventId('31', '2027-01-18T09:00:00.000Z', doc, posting)).toBe(
      snapshotEventId('31', '2027-01-18T09:00:00.000Z', doc, { ...posting }),
    );
    expect(snapshotEventId('31', '2027-01-18T09:00:00.000Z', doc, null)).toMatch(
      /^job-read:31:1800262800000:[0-9a-f]{64}$/,
    );
  });

  it('refuses a snapshot whose instants are not instants and a body not one of its own, saying where', async () => {
    const ats = new MemoryQueueAts();
    ats.addQueue('EN3S offres', 'job');
    ats.putJob('31');
    const read = await readJob(ats, '31');
    const bad = snapshotEvent(
      'talentlink',
      { ...read, snapshot: { ...read.snapshot, updatedAt: 'hier' } },
      { origin: 'queue', element: element('1001'), posting: null },
    );
    expect(bad).toEqual({ ok: false, message: 'job 31: snapshot.updatedAt: expected an ISO 8601 instant, got "hier"' });
    expect(parseSnapshotBody('<xml/>')).toEqual({
      ok: false,
      message: 'job.snapshot body: expected JSON, got text that does not parse',
    });
    expect(
      parseSnapshotBody(
        '{"format":"en3s.job-read/1","fetchedAt":"x","origin":"queue",' +
          '"queue":{"name":"q","kind":"job","elementId":"1"},"posting":null}',
      ),
    ).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^job\.snapshot body > document: /),
    });
  });
});
