import type { AtsPort } from '../../connectors/ats-port.js';
import type { TeamMember } from '../domain/job-snapshot.js';
import type { ProcessPolicy } from '../domain/job-process.js';
import type { Config } from '../config.js';
import type { DomainData } from '../mappings/load.js';
import type { Store } from '../store/database.js';
import type { HandedSnapshots } from './handed-snapshots.js';

/** What every stage of the pipeline needs, built once at start-up and passed down. */

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock running from a chosen instant at real speed (the demo places it inside a window). */
export function offsetClock(startAt: Date, realStart = Date.now()): Clock {
  const offset = startAt.getTime() - realStart;
  return { now: () => new Date(Date.now() + offset) };
}

/**
 * The business clock the settings ask for, the same in every process reading them (the service
 * and the CLI): placed at `clockStart` when this process starts, or moved by `clockOffsetMs`
 * from the real time; the real time otherwise.
 */
export function businessClock(settings: Pick<Config, 'clockStart' | 'clockOffsetMs'>): Clock {
  if (settings.clockStart) return offsetClock(new Date(settings.clockStart));
  return settings.clockOffsetMs !== 0 ? offsetClock(new Date(Date.now() + settings.clockOffsetMs)) : systemClock;
}

/** Minimal logger interface (winston's shape) so that the pipeline does not depend on a transport. */
export interface Logger {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
  debug(message: string, meta?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };

export interface PipelineContext {
  store: Store;
  domain: DomainData;
  policy: ProcessPolicy;
  clock: Clock;
  log: Logger;
  /**
   * The ATS behind its port: it decodes the snapshots kept in the inbox, and the dispatcher and the reconciler call it.
   */
  ats: AtsPort;
  /** Snapshots decoded when their inbox rows were stored in this process (see `HandedSnapshots`). */
  snapshots?: HandedSnapshots;
}

/**
 * The policy the settings ask for, with the EN3S approver as the tenant knows it (`null` when
 * its user could not be found: the process then tells the administrators instead of acting).
 */
export function policyFromConfig(config: Config, en3s: TeamMember | null): ProcessPolicy {
  return {
    mode: config.policyMode,
    undetermined: config.policyUndetermined,
    removeApproverAtWindowEnd: config.policyRemoveApproverAtWindowEnd,
    askRecruiters: config.policyAskRecruiters,
    en3s: en3s
      ? { userId: en3s.userId, order: en3s.order, stepOrder: en3s.stepOrder ?? 1, role: en3s.role }
      : { userId: null, order: 0, stepOrder: 1, role: null },
  };
}
