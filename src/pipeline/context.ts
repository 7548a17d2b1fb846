import type { AtsConnector } from '../../connectors/ats-connector.js';
import type { TalentLinkMapping } from '../../connectors/talentlink/mapping-schema.js';
import { defaultApprovalMessage, type Policy } from '../domain/workflow.js';
import type { Config } from '../config.js';
import type { DomainData } from '../mappings/load.js';
import type { Store } from '../store/database.js';
import type { ParsedDocuments } from './parsed-documents.js';

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
  mapping: TalentLinkMapping;
  policy: Policy;
  clock: Clock;
  log: Logger;
  /** Absent in tests of the inbox alone; the dispatcher and the reconciler need it. */
  ats?: AtsConnector;
  /** Documents parsed when their inbox rows were stored in this process (see `ParsedDocuments`). */
  documents?: ParsedDocuments;
}

export function policyFromConfig(config: Config): Policy {
  return {
    mode: config.policyMode,
    autoAssignTeam: config.policyAutoAssignTeam,
    autoStartApproval: config.policyAutoStartApproval,
    dueDays: config.policyDueDays,
    undetermined: config.policyUndetermined,
    releaseAtWindowEnd: config.policyReleaseAtWindowEnd,
    approvalTeamName: config.approvalTeamName,
    approvalProcessName: config.approvalProcessName,
    approvalMessage: defaultApprovalMessage,
  };
}
