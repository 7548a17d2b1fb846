import type { ChildProcess } from 'node:child_process';
import type { AtsConnector, AtsResult, ChangedJobsPage, QueueElement } from '../../connectors/ats-connector.js';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import type { MemoryAts } from './memory-ats.js';
import type { AtsMethod } from './memory-ats-types.js';

/**
 * The memory ATS lives in the test process; pipeline processes reach it through the IPC channel
 * of `child_process.fork`, as they would reach TalentLink over the network. A child killed while
 * a call is under way leaves the call applied in the ATS and its answer undelivered: the case a
 * crash-safe dispatcher must survive. Fork with `serialization: 'advanced'` (Buffers, undefined).
 */

export interface AtsCallMessage {
  type: 'ats-call';
  id: number;
  method: AtsMethod;
  args: unknown[];
}

export interface AtsAnswerMessage {
  type: 'ats-answer';
  id: number;
  result: AtsResult<unknown>;
}

const isAnswer = (m: unknown): m is AtsAnswerMessage => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ats-answer';
const isCall = (m: unknown): m is AtsCallMessage => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === 'ats-call';

/** In the child: an `AtsConnector` whose every call is answered by the parent. */
export function ipcAtsConnector(proc: NodeJS.Process = process): AtsConnector {
  if (!proc.send) throw new Error('ipcAtsConnector: this process has no IPC channel (start it with child_process.fork)');
  const send = proc.send.bind(proc);
  const waiting = new Map<number, (result: AtsResult<unknown>) => void>();
  let next = 0;
  proc.on('message', (message: unknown) => {
    if (!isAnswer(message)) return;
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  const call = <T>(method: AtsMethod, args: unknown[]): Promise<AtsResult<T>> =>
    new Promise((resolve) => {
      const id = ++next;
      waiting.set(id, resolve as (result: AtsResult<unknown>) => void);
      send({ type: 'ats-call', id, method, args } satisfies AtsCallMessage);
    });
  return {
    name: 'memory-ats-ipc',
    getJob: (jobId) => call<JobDocument>('getJob', [jobId]),
    listChanged: (sinceIso, page, pageSize) => call<ChangedJobsPage>('listChanged', [sinceIso, page, pageSize]),
    assignApprovalTeam: (jobId, teamName, key) => call<JobDocument>('assignApprovalTeam', [jobId, teamName, key]),
    startApproval: (jobId, request, key) => call<JobDocument>('startApproval', [jobId, request, key]),
    setPublicationLock: (jobId, locked, reason, key) => call<JobDocument>('setPublicationLock', [jobId, locked, reason, key]),
    withdrawPosting: (jobId, postingId, reason, key) => call<JobDocument>('withdrawPosting', [jobId, postingId, reason, key]),
    readQueue: (queueName) => call<QueueElement | null>('readQueue', [queueName]),
    ackQueue: (queueName, notificationId) => call<void>('ackQueue', [queueName, notificationId]),
  };
}

/**
 * In the parent: answers a child's calls from the memory ATS, recorded as made by `caller`.
 * `latencyMs` delays each call before it reaches the ATS (a request on the wire): a child killed
 * meanwhile still has its call applied.
 */
export function serveAtsOverIpc(child: ChildProcess, ats: MemoryAts, caller: string, latencyMs: () => number = () => 0): void {
  child.on('message', (message: unknown) => {
    if (!isCall(message)) return;
    const delay = latencyMs();
    const run = async () => {
      const result = await ats.invoke(message.method, caller, message.args);
      if (!child.connected) return;
      child.send({ type: 'ats-answer', id: message.id, result } satisfies AtsAnswerMessage, () => undefined);
    };
    if (delay > 0) setTimeout(() => void run(), delay);
    else void run();
  });
}
