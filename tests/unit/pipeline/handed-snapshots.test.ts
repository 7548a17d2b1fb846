import { describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { HandedSnapshots } from '../../../src/pipeline/handed-snapshots.js';
import type { ReadSnapshot } from '../../../src/pipeline/snapshot-events.js';

const read = (id: string): ReadSnapshot => ({
  snapshot: { atsId: id } as unknown as JobSnapshot,
  posting: null,
  origin: 'queue',
});

describe('snapshots handed from whoever stored the row to the inbox worker', () => {
  it('gives each snapshot once, by source and event id', () => {
    const handed = new HandedSnapshots();
    handed.put('talentlink', 'evt-1', read('1'));
    expect(handed.take('other', 'evt-1')).toBeUndefined();
    expect(handed.take('talentlink', 'evt-1')).toEqual(read('1'));
    expect(handed.take('talentlink', 'evt-1')).toBeUndefined();
  });

  it('keeps at most its capacity, dropping the oldest (their rows are decoded from the body)', () => {
    const handed = new HandedSnapshots(2);
    handed.put('talentlink', 'evt-1', read('1'));
    handed.put('talentlink', 'evt-2', read('2'));
    handed.put('talentlink', 'evt-3', read('3'));
    expect(handed.size).toBe(2);
    expect(handed.take('talentlink', 'evt-1')).toBeUndefined();
    expect(handed.take('talentlink', 'evt-3')).toEqual(read('3'));
  });
});
