import { DateTime } from 'luxon';
import type { Decision } from './decision.js';
import type { Offer } from './offer.js';
import { fold } from './organisms.js';
import { ForbiddenTransitionError, isAllowedTransition, stateTable, type OfferState } from './workflow-states.js';

/**
 * What happens to an offer in a campaign: `transition(memory, event, decision, policy)` is pure
 * and level-triggered — the next state is derived from the latest job document, the decision at
 * the event's instant and a few sticky facts (EN3S's answer, a violation, the release), never
 * from the order in which events arrived. Any order and any duplication of the same events
 * therefore ends in the same state, and a replay changes nothing.
 */

export interface Policy {
  mode: 'enforce' | 'monitor';
  autoAssignTeam: boolean;
  autoStartApproval: boolean;
  dueDays: number;
  undetermined: 'treat-as-concerned' | 'flag-only';
  releaseAtWindowEnd: boolean;
  approvalTeamName: string;
  approvalProcessName: string;
  /** The tenant's default message, placeholders left for the ATS to fill (spec §3). */
  approvalMessage: string;
}

export const defaultApprovalMessage = [
  'Madame, Monsieur,',
  "Je vous prie de bien prendre connaissance de notre offre et, le cas échéant de nous donner votre accord pour nous permettre de publier cette offre sur le site de l'Ucanss.",
  'Référence du poste : [%job_number%] [%job_requisition_number%]',
  'Intitulé du poste : [%job_opening_name%]',
  'Date de création : [%job_creation_date%]',
  'Créé par : [%sender_user_lastname%]',
  "Restant à votre disposition pour toute information complémentaire, je vous prie d'agréer Madame, Monsieur l'expression de mes sentiments les meilleurs.",
  'Bien cordialement',
].join('\n');

export type Actor = 'connector' | 'recruiter';

export interface Violation {
  postingId: string;
  channel: string;
  publishedAt: string;
  detectedAt: string;
  /** The corrective action: withdrawn by the connector (enforce) or only reported (monitor). */
  action: 'withdraw' | 'report';
}

/** What the store keeps of an offer in a campaign, between two events. */
export interface OfferMemory {
  campaign: number;
  state: OfferState;
  stateSince: string;
  lastVersion: number;
  offer: Offer;
  decision: Decision;
  /** The scope after policy and override: does the offer go through the EN3S process. */
  inProcess: boolean;
  reviewNeeded: boolean;
  en3s: { decision: 'APPROVED' | 'REJECTED'; at: string | null; by: string | null } | null;
  team: { at: string; by: Actor } | null;
  approval: { at: string; by: Actor; dueDate: string | null } | null;
  approvalRestarts: number;
  violations: Violation[];
  released: { at: string } | null;
  override: { concerned: boolean; by: string; reason: string; at: string } | null;
  /** Command kinds this campaign already asked for, to tell the connector's acts from the recruiter's. */
  requested: CommandKind[];
  /**
   * The publication lock the connector wants (null: it never cared) and how many times that wish
   * changed this campaign. The count is part of the lock command's key, so that locking again
   * after an unlock (an offer back in scope) is a new command, not a duplicate of the first one.
   */
  lockWanted: boolean | null;
  lockTurn: number;
  /**
   * Keys of the ATS commands the latest evaluation asked for. A command waiting in the outbox
   * whose key is not here any more (EN3S answered, the offer left the scope or was closed, the
   * effect already shows) is moot: the dispatcher does not carry it out.
   */
  wanted: string[];
}

export type CommandKind = 'set_lock' | 'assign_team' | 'start_approval' | 'withdraw_posting' | 'notify';

export type CommandBody =
  | { kind: 'set_lock'; locked: boolean; reason: string }
  | { kind: 'assign_team'; teamName: string }
  | { kind: 'start_approval'; processName: string; message: string; dueDate: string; alertOnAction: boolean }
  | { kind: 'withdraw_posting'; postingId: string; reason: string }
  | { kind: 'notify'; topic: 'violation' | 'undetermined' | 'released'; message: string };

export type Command = CommandBody & { idempotencyKey: string; source: string; atsId: string; campaign: number };

export type WorkflowEvent =
  /** A job document: pushed, pulled, listed by reconciliation, or returned by a command. */
  | { kind: 'document'; at: string; offer: Offer }
  /** Time passed (window opened or closed, a text came into force): evaluate again. */
  | { kind: 'tick'; at: string }
  /** An administrator sets the scope by hand; `concerned: null` removes the override. */
  | { kind: 'override'; at: string; concerned: boolean | null; by: string; reason: string };

export interface Fact {
  kind: string;
  actor: 'system' | 'recruiter' | 'en3s' | 'administrator';
  actorName?: string;
  data: Record<string, unknown>;
}

export interface TransitionResult {
  memory: OfferMemory;
  commands: Command[];
  facts: Fact[];
  /** False when the event changed nothing but the ledger (stale or duplicate document). */
  changed: boolean;
}

/**
 * Whether an instant (EN3S's answer) belongs to a campaign: after the previous campaign's window
 * closed. An answer given in December counts for the coming January's campaign.
 */
function belongsToCampaign(instant: string | null, decision: Decision, campaign: number): boolean {
  if (!instant) return true;
  const previousEnd = DateTime.fromISO(decision.window.end, { setZone: true }).minus({ years: decision.window.campaign - campaign + 1 });
  return Date.parse(instant) >= previousEnd.toMillis();
}

/** The campaign an offer belongs to at an instant: the current window, or the next one once it closed. */
export function campaignOf(decision: Decision, atMs: number): number {
  return atMs >= Date.parse(decision.window.end) ? decision.window.campaign + 1 : decision.window.campaign;
}

const liveOnExchange = (offer: Offer) => offer.postings.filter((p) => p.status === 'PUBLISHED');

function dueDateFrom(at: string, days: number, timeZone: string): string {
  return DateTime.fromISO(at, { zone: timeZone }).plus({ days }).toISODate()!;
}

function key(offer: Offer, campaign: number, ...parts: (string | number)[]): string {
  return [offer.source, offer.atsId, campaign, ...parts].join(':');
}

function sameDecision(a: Decision, b: Decision): boolean {
  return (
    a.concerned === b.concerned &&
    a.windowOpen === b.windowOpen &&
    a.ruleSet === b.ruleSet &&
    a.reasons.map((r) => r.code).join() === b.reasons.map((r) => r.code).join()
  );
}

export function emptyMemory(offer: Offer, decision: Decision, campaign: number, at: string): OfferMemory {
  return {
    campaign,
    state: 'not_concerned',
    stateSince: at,
    lastVersion: -1,
    offer,
    decision,
    inProcess: false,
    reviewNeeded: false,
    en3s: null,
    team: null,
    approval: null,
    approvalRestarts: 0,
    violations: [],
    released: null,
    override: null,
    requested: [],
    lockWanted: null,
    lockTurn: 0,
    wanted: [],
  };
}

/**
 * `decision` is the eligibility of the event's offer (or of the remembered one for a tick or an
 * override) at the event's instant; `memory` is null for an offer never seen in this campaign.
 */
export function transition(memory: OfferMemory | null, event: WorkflowEvent, decision: Decision, policy: Policy): TransitionResult {
  const facts: Fact[] = [];
  if (event.kind === 'document' && memory && event.offer.version <= memory.lastVersion) {
    facts.push({
      kind: event.offer.version === memory.lastVersion ? 'event.duplicate' : 'event.stale',
      actor: 'system',
      data: { version: event.offer.version, lastVersion: memory.lastVersion },
    });
    return { memory, commands: [], facts, changed: false };
  }
  if (!memory && event.kind !== 'document') throw new Error(`a ${event.kind} event needs an offer already known`);
  const offer = event.kind === 'document' ? event.offer : memory!.offer;
  const at = event.at;
  const atMs = Date.parse(at);
  const previous = memory ?? emptyMemory(offer, decision, campaignOf(decision, atMs), at);
  const next: OfferMemory = {
    ...previous,
    offer,
    lastVersion: event.kind === 'document' ? offer.version : previous.lastVersion,
    decision,
    violations: [...previous.violations],
    requested: [...previous.requested],
  };
  if (!memory || !sameDecision(previous.decision, decision)) {
    facts.push({ kind: 'decision', actor: 'system', data: { ...decision } });
  }
  if (event.kind === 'override') {
    next.override = event.concerned === null ? null : { concerned: event.concerned, by: event.by, reason: event.reason, at };
    facts.push({ kind: 'admin.override', actor: 'administrator', actorName: event.by, data: { concerned: event.concerned, reason: event.reason } });
  }

  // Sticky: EN3S's answer is final for the campaign, whatever a later text or document says.
  const approval = offer.approval;
  if (!next.en3s && approval?.en3sDecision && belongsToCampaign(approval.decidedAt, decision, next.campaign)) {
    next.en3s = { decision: approval.en3sDecision, at: approval.decidedAt, by: approval.decidedBy };
    facts.push({ kind: 'en3s.decision', actor: 'en3s', data: { decision: approval.en3sDecision, decidedAt: approval.decidedAt } });
  }
  // Who did what: a team or an approval that appears after the connector asked for it is the connector's.
  const en3sTeam = fold(policy.approvalTeamName);
  const hasTeam = offer.approvalTeams.some((name) => fold(name) === en3sTeam);
  if (hasTeam && !next.team) {
    next.team = { at, by: next.requested.includes('assign_team') ? 'connector' : 'recruiter' };
    facts.push({ kind: 'team.assigned', actor: next.team.by === 'connector' ? 'system' : 'recruiter', data: { by: next.team.by } });
  }
  const started = approval && approval.status !== 'NOT_STARTED' && approval.status !== 'CANCELLED';
  if (started && !next.approval) {
    next.approval = { at: approval.startedAt ?? at, by: next.requested.includes('start_approval') ? 'connector' : 'recruiter', dueDate: approval.dueDate };
    facts.push({ kind: 'approval.started', actor: next.approval.by === 'connector' ? 'system' : 'recruiter', data: { ...next.approval } });
  }
  if (approval?.status === 'CANCELLED' && next.approval && !next.en3s) {
    next.approval = null;
    next.approvalRestarts += 1;
    facts.push({ kind: 'approval.cancelled', actor: 'recruiter', data: {} });
  }

  // Scope: the decision, then the administrator's override, then the policy for undetermined offers.
  const concerned = next.override ? next.override.concerned : decision.concerned;
  next.reviewNeeded = concerned === null;
  const requires = concerned === null ? decision.windowOpen && policy.undetermined === 'treat-as-concerned' : concerned && decision.windowOpen;
  const windowStartMs = Date.parse(decision.window.start);
  const windowEndMs = Date.parse(decision.window.end);
  const windowOver = next.campaign < decision.window.campaign || (next.campaign === decision.window.campaign && atMs >= windowEndMs);

  const commands: Command[] = [];
  const enforce = policy.mode === 'enforce';
  const command = (body: CommandBody, ...keyParts: (string | number)[]) => {
    const cmd = { ...body, idempotencyKey: key(offer, next.campaign, body.kind, ...keyParts), source: offer.source, atsId: offer.atsId, campaign: next.campaign } as Command;
    commands.push(cmd);
    if (!next.requested.includes(body.kind)) next.requested.push(body.kind);
  };
  const lock = (locked: boolean, reason: string) => {
    if (!enforce) return;
    if (next.lockWanted !== locked) {
      next.lockWanted = locked;
      next.lockTurn += 1;
    }
    if (offer.publicationLocked !== locked) command({ kind: 'set_lock', locked, reason }, locked ? 'on' : 'off', next.lockTurn);
  };
  /**
   * A publication inside the window, while the offer was in the process and before EN3S's
   * "validé", is a violation — read from the postings' own dates, so that it is found even when
   * the document showing the live posting arrived late or was lost and only the withdrawn one is seen.
   */
  const recordViolations = (why: string) => {
    const approvedAt = next.en3s?.decision === 'APPROVED' ? Date.parse(next.en3s.at ?? at) : Number.POSITIVE_INFINITY;
    for (const posting of offer.postings) {
      if (!posting.publishedAt || posting.status === 'DRAFT') continue;
      const publishedMs = Date.parse(posting.publishedAt);
      if (publishedMs < windowStartMs || publishedMs >= windowEndMs || publishedMs >= approvedAt) continue;
      if (!next.violations.some((v) => v.postingId === posting.id && v.publishedAt === posting.publishedAt)) {
        const live = posting.status === 'PUBLISHED';
        const violation: Violation = {
          postingId: posting.id,
          channel: posting.channel,
          publishedAt: posting.publishedAt,
          detectedAt: at,
          action: live && enforce ? 'withdraw' : 'report',
        };
        next.violations.push(violation);
        facts.push({ kind: 'violation.detected', actor: 'recruiter', data: { ...violation, live, why } });
        command({ kind: 'notify', topic: 'violation', message: `Offre ${offer.jobNumber} publiée sans accord de l'EN3S (${why})` }, 'violation', posting.id, posting.publishedAt);
      }
      if (enforce && posting.status === 'PUBLISHED') {
        command({ kind: 'withdraw_posting', postingId: posting.id, reason: `Publication sans accord de l'EN3S (${why})` }, posting.id, posting.publishedAt);
      }
    }
  };

  let state: OfferState;
  if (next.en3s?.decision === 'APPROVED') {
    state = 'approved';
    lock(false, "Dérogation accordée par l'EN3S");
    if (requires || next.inProcess) recordViolations("publiée avant la réponse de l'EN3S");
  } else if (next.en3s?.decision === 'REJECTED') {
    state = 'refused';
    lock(true, "Dérogation refusée par l'EN3S : poste réservé aux élèves");
    recordViolations('dérogation refusée');
  } else if (previous.state === 'released' || previous.state === 'published_before_window') {
    state = previous.state;
  } else if (offer.status === 'CLOSED' || offer.status === 'CANCELLED') {
    state = 'closed';
  } else if (windowOver && stateTable[previous.state].next.includes('released') && (previous.state !== 'published_without_approval' || liveOnExchange(offer).length === 0)) {
    state = 'released';
    next.released = { at };
    if (policy.releaseAtWindowEnd) lock(false, "Fin de la période EN3S sans réponse de l'EN3S");
    command({ kind: 'notify', topic: 'released', message: `Offre ${offer.jobNumber} libérée à la fin de la période sans réponse de l'EN3S` }, 'released');
  } else if (
    decision.windowOpen &&
    !memory?.inProcess &&
    offer.postings.some((p) => p.publishedAt && Date.parse(p.publishedAt) < windowStartMs && p.status !== 'DRAFT')
  ) {
    // Published before the window opened: not touched (DOMAIN.md, reading notes).
    state = 'published_before_window';
  } else if (!requires) {
    state = concerned === false ? 'not_concerned' : concerned === null ? 'undetermined' : 'outside_window';
  } else {
    next.inProcess = true;
    lock(true, 'Période EN3S : publication soumise à la réponse de l’EN3S');
    recordViolations("publiée avant la réponse de l'EN3S");
    if (liveOnExchange(offer).length > 0) {
      state = 'published_without_approval';
    } else if (next.approval) {
      state = 'approval_started';
    } else if (next.team) {
      state = 'team_assigned';
      if (enforce && policy.autoStartApproval) {
        const dueDate = dueDateFrom(at, policy.dueDays, decision.window.timeZone);
        command(
          { kind: 'start_approval', processName: policy.approvalProcessName, message: policy.approvalMessage, dueDate, alertOnAction: true },
          next.approvalRestarts,
        );
      }
    } else {
      state = 'awaiting_team';
      if (enforce && policy.autoAssignTeam) command({ kind: 'assign_team', teamName: policy.approvalTeamName });
    }
    if (next.reviewNeeded && !previous.reviewNeeded) {
      command({ kind: 'notify', topic: 'undetermined', message: `Offre ${offer.jobNumber} à vérifier : ${decision.missing.join(', ')}` }, 'undetermined');
    }
  }
  if (state !== 'approved' && state !== 'refused') {
    // An offer that left the process (a text changed, an override) without EN3S's answer: unlock
    // it, or, when the document shows no lock yet, make sure a lock still on its way is not applied.
    if (!requires && previous.inProcess && state !== 'released' && !next.en3s) {
      lock(false, 'Offre sortie du champ de la période EN3S');
      next.inProcess = false;
    }
  }

  if (!isAllowedTransition(previous.state, state) && memory) throw new ForbiddenTransitionError(previous.state, state);
  if (state !== previous.state || !memory) {
    next.state = state;
    next.stateSince = at;
    facts.push({ kind: 'state.changed', actor: 'system', data: { from: memory ? previous.state : null, to: state } });
  }
  next.wanted = commands.filter((c) => c.kind !== 'notify').map((c) => c.idempotencyKey);
  for (const cmd of commands) facts.push({ kind: 'command.requested', actor: 'system', data: { kind: cmd.kind, idempotencyKey: cmd.idempotencyKey } });
  return { memory: next, commands, facts, changed: true };
}
