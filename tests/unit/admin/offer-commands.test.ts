import { describe, expect, it } from 'vitest';
import type { Principal } from '../../../src/admin/auth.js';
import { offerCommands } from '../../../src/admin/page-offer-parts.js';
import type { OutboxCommand } from '../../../src/store/outbox.js';
import type { OutboxStatus } from '../../../src/store/outbox-status.js';

/** The "Commandes du connecteur" of the offer page: each command's state, as an administrator reads it. */

const principal: Principal = { name: 'admin', via: 'token', session: null };

function command(id: number, status: OutboxStatus, result: unknown = null): OutboxCommand {
  return {
    id,
    idempotency_key: `k-${id}`,
    source: 'talentlink',
    ats_id: 'J1',
    campaign: 2027,
    kind: 'set_approver',
    payload: {},
    status,
    attempts: 1,
    next_attempt_at: '2027-01-05T09:00:00.000Z',
    lease_owner: null,
    lease_until: null,
    last_error: null,
    created_at: '2027-01-05T09:00:00.000Z',
    done_at: null,
    result,
    request_id: null,
  };
}

describe('offer commands', () => {
  it('names each state, a command given up unsent by its own state', () => {
    const html = offerCommands(
      [
        command(1, 'done', { note: 'sent' }),
        command(2, 'skipped', { note: 'no longer wanted by the process: not sent' }),
        command(3, 'pending'),
        command(4, 'in_flight'),
        command(5, 'dead'),
      ],
      principal,
    ).value;
    const states = [...html.matchAll(/<tr><td>(\d+)<\/td><td>[^<]*<\/td><td>([^<]*)<\/td>/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(states).toEqual([
      [1, 'Faite'],
      [2, 'Abandonnée sans envoi (plus demandée)'],
      [3, 'En attente'],
      [4, 'En cours'],
      [5, 'En échec (abandonnée)'],
    ]);
  });
});
