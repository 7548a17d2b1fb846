import type { AtsPort } from '../../connectors/ats-port.js';
import type { TeamMember } from '../domain/job-snapshot.js';
import type { ProcessPolicy } from '../domain/job-process.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { DomainData } from '../mappings/load.js';
import type { Store } from '../store/database.js';
import type { HandedSnapshots } from './handed-snapshots.js';

/** What every stage of the pipeline needs, built once at start-up and passed down. */

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
