/**
 * The states of an outbox command, declared once, and the moves between them. The store's
 * writes are typed against the moves (`OutboxMove`), so a write the table does not allow does
 * not compile.
 */

export const OUTBOX_STATUSES = ['pending', 'in_flight', 'done', 'skipped', 'dead'] as const;

/**
 * - `pending`: waiting for its attempt (`next_attempt_at`);
 * - `in_flight`: leased to a dispatcher until `lease_until`;
 * - `done`: the ATS answered it;
 * - `skipped`: the dispatcher gave it up without sending it, the process no longer wanting it;
 * - `dead`: the dispatcher gave up after failures, until an administrator requeues it.
 */
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/**
 * From each state, the states a command may move to:
 * - claimed when due, or claimed again by another dispatcher once its lease expired;
 * - an attempt ends done, skipped, dead, or back to pending for a later attempt (or when an
 *   evaluation wants it again just as it was being skipped);
 * - a skipped command goes back to pending when an evaluation wants it anew (its key is taken,
 *   so it cannot be enqueued again); a dead one when an administrator requeues it;
 * - done is final.
 */
export const OUTBOX_MOVES = {
  pending: ['in_flight'],
  in_flight: ['in_flight', 'done', 'skipped', 'pending', 'dead'],
  done: [],
  skipped: ['pending'],
  dead: ['pending'],
} as const satisfies Record<OutboxStatus, readonly OutboxStatus[]>;

/** The states a command in state `F` may move to. */
export type OutboxMove<F extends OutboxStatus> = (typeof OUTBOX_MOVES)[F][number];

/** Nothing is left to do for a command in these states (a skipped one may still be revived). */
export const SETTLED_OUTBOX_STATUSES = ['done', 'skipped'] as const satisfies readonly OutboxStatus[];
