import type { QueueCounters } from './queues.js';

/**
 * What the tenant saw, from its own side of the wire: every call by operation and answer status,
 * the busiest 1,000 ms, the calls its gateway refused, the alerts it sent. Tests compare these
 * with what the connector believes it did.
 */

export interface AlertCounters {
  /** HTTP attempts made (a repeated alert counts twice). */
  sent: number;
  /** Attempts answered 2xx. */
  delivered: number;
  /** Attempts answered otherwise, timed out or failed on the network. */
  failed: number;
  /** Alerts dropped by fault injection (never sent). */
  dropped: number;
  /** Alerts sent twice by fault injection. */
  repeated: number;
}

export interface TenantCounters {
  /** Every call that reached the tenant, by operation then by answer status (`"204"`, `"403"`…). */
  calls: Record<string, Record<string, number>>;
  totalCalls: number;
  /** Calls refused before any operation ran. */
  refused: {
    /** No api_key or no user: 401. */
    unauthorized: number;
    /** Unknown api_key: 403 `Not Authorized`. */
    notAuthorized: number;
    overQps: number;
    overQuota: number;
  };
  /** The largest number of calls counted by the gateway in one sliding 1,000 ms window. */
  maxCallsInWindow: number;
  /** Calls failed (5xx) or slowed by fault injection. */
  faults: { errors: number; delayed: number };
  alerts: AlertCounters;
  queues: QueueCounters;
}

export function emptyTenantCounters(): TenantCounters {
  return {
    calls: {},
    totalCalls: 0,
    refused: { unauthorized: 0, notAuthorized: 0, overQps: 0, overQuota: 0 },
    maxCallsInWindow: 0,
    faults: { errors: 0, delayed: 0 },
    alerts: { sent: 0, delivered: 0, failed: 0, dropped: 0, repeated: 0 },
    queues: { added: 0, coalesced: 0, requeuedAfterRead: 0, repeated: 0, reads: 0, deleted: 0 },
  };
}

export function countCall(counters: TenantCounters, operation: string, status: number): void {
  counters.calls[operation] ??= {};
  const byStatus = counters.calls[operation];
  byStatus[String(status)] = (byStatus[String(status)] ?? 0) + 1;
  counters.totalCalls += 1;
}

/**
 * The name of the operation a call asks for, from its method and path under `/tlk/rest`, as
 * counted and as named by fault injection. `unknown` for a path the API does not have.
 */
export function operationOf(method: string, path: string): string {
  const p = path.replace(/\/+$/, '') || '/';
  if (method === 'GET') {
    const reads: Record<string, string> = {
      '/position': 'positions',
      '/publishedadvert': 'publishedAdverts',
      '/user': 'users',
      '/department': 'departments',
      '/queues': 'listQueues',
    };
    if (reads[p]) return reads[p];
    if (/^\/queues\/[^/]+\/[^/]+\/oldest-element$/.test(p)) return 'peekQueue';
    if (/^\/queues\/[^/]+\/[^/]+\/[^/]+$/.test(p)) return 'getQueueElement';
  }
  if (method === 'PATCH' && /^\/position\/[^/]+$/.test(p)) return 'patchPosition';
  if (method === 'PUT' && p === '/publishedadvert/unpost') return 'unpost';
  if (method === 'DELETE' && p === '/queues/element/oldest-element') return 'deleteOldestQueueElement';
  if (method === 'DELETE' && /^\/queues\/element\/[^/]+$/.test(p)) return 'deleteQueueElement';
  return 'unknown';
}
