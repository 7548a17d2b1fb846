import type { JobDocument, Notification, NotificationType } from '../job-document.js';
import { isoSeconds, type SandboxClock } from './clock.js';
import type { SandboxOptions } from './options.js';
import type { SandboxState } from './state.js';

/**
 * What every sandbox operation needs, and the one way a job changes: `commit` bumps the version,
 * logs the change and emits exactly one notification. Operations answer with values, as the ATS
 * answers with status codes: the REST routes and the driver only translate them to HTTP.
 */

export interface OperationContext {
  state: SandboxState;
  clock: SandboxClock;
  options: SandboxOptions;
  emit(notification: Notification): void;
}

export type OpResult =
  | { ok: true; status: 200 | 201; job: JobDocument; changed: boolean }
  | { ok: false; status: number; code: string; message: string };

export function ok(job: JobDocument, changed: boolean, status: 200 | 201 = 200): OpResult {
  return { ok: true, status, job, changed };
}

export function fail(status: number, code: string, message: string): OpResult {
  return { ok: false, status, code, message };
}

export function jobNotFound(jobId: string): OpResult {
  return fail(404, 'NOT_FOUND', `job ${jobId} not found`);
}

/** A deep copy to edit: stored documents are shared with notifications and must never change. */
export function draftOf(job: JobDocument): JobDocument {
  return structuredClone(job);
}

/** Stores `next` as the new version of its job and notifies the change. */
export function commit(ctx: OperationContext, next: JobDocument, type: NotificationType, previous?: JobDocument): JobDocument {
  next.version = previous ? previous.version + 1 : 1;
  const at = ctx.clock.nowMs();
  ctx.state.record(next, type, at);
  ctx.state.counters.notifications.built += 1;
  ctx.emit({ id: ctx.state.nextNotificationId(), type, occurredAt: isoSeconds(at), job: next });
  return next;
}

/** Who acts: the API user (the connector) or a recruiter / EN3S user of the tenant. */
export interface Actor {
  userId: string;
  lastName?: string;
}

export function apiActor(options: SandboxOptions): Actor {
  const [, user] = options.user.split(':');
  return { userId: options.user, lastName: user ?? options.user };
}

export function recruiterOf(job: JobDocument): Actor {
  const who = job.createdBy;
  return who ? { userId: who.userId, ...(who.lastName ? { lastName: who.lastName } : {}) } : { userId: 'u-recruteur' };
}
