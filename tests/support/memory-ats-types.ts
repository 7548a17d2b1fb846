import type { AtsError } from '../../connectors/ats-connector.js';

/** The methods of the `AtsConnector` interface, as the memory ATS records and the IPC proxy forwards them. */
export const atsMethods = ['getJob', 'listChanged', 'assignApprovalTeam', 'startApproval', 'setPublicationLock', 'withdrawPosting', 'readQueue', 'ackQueue'] as const;
export type AtsMethod = (typeof atsMethods)[number];

/** The command a method carries out, named as the outbox names it. */
export const atsCommandKinds = {
  assignApprovalTeam: 'assign_team',
  startApproval: 'start_approval',
  setPublicationLock: 'set_lock',
  withdrawPosting: 'withdraw_posting',
} as const;
export type AtsCommandKind = (typeof atsCommandKinds)[keyof typeof atsCommandKinds];

/** One call the ATS received. */
export interface CallRecord {
  seq: number;
  method: AtsMethod;
  jobId: string | null;
  /** The idempotency key of a command call. */
  key: string | null;
  /** Who called (`direct`, or the name given to `MemoryAts.as`). */
  caller: string;
  /** When the ATS received it (its clock, ms). */
  at: number;
  /** The call's arguments after the job id (team, request, lock and reason, posting…). */
  args: unknown[];
  /** Whether the call changed the job (a new version). */
  effect: boolean;
  /** The version the change made, when it made one. */
  version?: number;
  /** `ok`, or the code of the error the caller received. */
  answer: string;
}

/** A failure scripted by a test: the next `times` calls of `method` (on `jobId`) answer `error`. */
export interface ScriptedFault {
  method: AtsMethod;
  jobId?: string;
  times: number;
  error: AtsError;
  /** Apply the call's effect first, then answer the error (the answer is lost). */
  applyFirst?: boolean;
}
