import type { Clock } from '../src/clock.js';
import type { AtsOutcome, AtsPort, CallBudget, QueueRef } from './ats-port.js';
import type { TeamMember } from '../src/domain/job-snapshot.js';
import type { Offer } from '../src/domain/offer.js';
import type { OrganismRecognizer } from '../src/domain/organisms.js';
import type { CircuitSnapshot } from './talentlink/circuit-breaker.js';
import { loadTalentLinkMapping, toOffer } from './talentlink/mapping.js';
import { createOpeningMapper, loadOpeningMapping } from './talentlink/opening-mapping.js';
import { parseJobDocument } from './talentlink/payload.js';
import type { PayloadError } from './talentlink/payload-errors.js';
import { createTalentLinkPort, type TalentLinkPort } from './talentlink/rest/port.js';
import type { RestCallInfo } from './talentlink/rest/http.js';

/**
 * The one place `src/` reaches a vendor's folder through: it builds the connector the settings
 * name (today TalentLink) behind the neutral `AtsPort`, with what the pipeline needs to know of
 * the tenant (its queues, the EN3S approver as a team member). A second ATS is a second folder
 * and a second branch here, nothing more.
 */

export interface ConnectorSettings {
  baseUrl: string;
  user: string;
  password: string;
  apiKey: string;
  timeoutMs: number;
  circuitCoolDownMs: number;
  budget: CallBudget;
  positionQueue: string;
  postingQueue: string;
  organisms: OrganismRecognizer;
  requestId?: () => string | undefined;
  onCall?: (info: RestCallInfo) => void;
  /** Told when the circuit to the ATS opens (with the wait before its trial call) and when it closes again. */
  onCircuit?: (change: { state: 'open' | 'closed'; retryInMs: number }) => void;
  /** Mappings folder (tests); the shipped `mappings/` by default. */
  mappingsDir?: string;
  /**
   * The service's business clock: it dates every read (`fetchedAt`),
   * which the process compares with the ATS's own dates. Real time by default; calls are timed
   * on real time whatever this says.
   */
  clock?: Clock;
}

export interface Connector {
  port: AtsPort;
  /** The queues the tenant is set up with (docs/talentlink.md §5): jobs, then postings. */
  queues: readonly QueueRef[];
  /** The EN3S approver as the tenant knows it: its user found by login, its order, step and role from the mapping. */
  en3sApprover(): Promise<AtsOutcome<TeamMember>>;
  /** The client's circuit breaker, for the dashboard. */
  circuit(): CircuitSnapshot;
}

export function createConnector(settings: ConnectorSettings): Connector {
  const mapping = loadOpeningMapping(settings.mappingsDir);
  const port: TalentLinkPort = createTalentLinkPort({
    baseUrl: settings.baseUrl,
    user: settings.user,
    password: settings.password,
    apiKey: settings.apiKey,
    budget: settings.budget,
    timeoutMs: settings.timeoutMs,
    circuitBreaker: {
      coolDownMs: settings.circuitCoolDownMs,
      onChange: (to) => {
        if (to !== 'half-open')
          settings.onCircuit?.({ state: to, retryInMs: to === 'open' ? settings.circuitCoolDownMs : 0 });
      },
    },
    mapOpening: createOpeningMapper(mapping, settings.organisms),
    ...(settings.requestId ? { requestId: settings.requestId } : {}),
    ...(settings.onCall ? { onCall: settings.onCall } : {}),
    ...(settings.clock ? { readClock: settings.clock } : {}),
  });
  const approver = mapping.en3sApprover;
  return {
    port,
    queues: [
      { name: settings.positionQueue, kind: 'job' },
      { name: settings.postingQueue, kind: 'posting' },
    ],
    async en3sApprover() {
      const found = await port.findUserId(approver.login);
      if (!found.ok) return found;
      return {
        ok: true,
        value: { userId: found.value, order: approver.order, stepOrder: approver.stepOrder, role: approver.lovValue },
      };
    },
    circuit: () => port.circuitBreaker.snapshot(),
  };
}

export type JobFactsResult = { ok: true; offer: Offer } | { ok: false; error: PayloadError };

/**
 * Reads the facts the rules need from a job document given as text (`en3s evaluate`): a job of
 * the real API (`OpeningFullDto`, JSON), or a document of the earlier format (JSON or XML job,
 * or a whole notification), every one behind the same guards (size, encoding, depth, DTD…).
 * Built once per run: it loads the mapping files.
 */
export function createJobFactsReader(
  organisms: OrganismRecognizer,
  mappingsDir?: string,
): (text: string, format: 'json' | 'xml' | 'auto', at: Date) => JobFactsResult {
  const legacy = loadTalentLinkMapping(mappingsDir);
  const mapOpening = createOpeningMapper(loadOpeningMapping(mappingsDir), organisms);
  return (text, format, at) => {
    const parsed = parseJobDocument(text, format);
    if (!parsed.ok) return parsed;
    if (parsed.kind === 'job') return { ok: true, offer: toOffer(parsed.job, legacy, organisms) };
    const mapped = mapOpening(parsed.opening, null, at.toISOString());
    if (mapped.ok) return { ok: true, offer: mapped.value };
    return { ok: false, error: { code: 'INVALID_JOB', message: mapped.error.message } };
  };
}

/**
 * The sandbox TalentLink tenant, for `en3s sandbox serve` and `en3s demo` (the CLI reaches it
 * only through here), and the demo's people acting in it.
 */
export {
  defaultDemoInstant,
  startSandbox,
  type RunningSandbox,
  type SandboxStartOptions,
} from './talentlink/sandbox-host.js';
export { startDemoLife, type DemoLife, type DemoLifeAction, type DemoLifeOptions } from './talentlink/demo-life.js';
