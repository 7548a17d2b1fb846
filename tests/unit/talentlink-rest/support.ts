import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { Kind, parse, type ArgumentNode, type FieldNode, type ObjectValueNode, type ValueNode } from 'graphql';
import type { AtsOutcome, CallBudget, CallLane } from '../../../connectors/ats-port.js';
import type { OpeningDto, PublishedAdvertDto } from '../../../connectors/talentlink/rest/dto.js';
import type { RestCallInfo } from '../../../connectors/talentlink/rest/http.js';
import { createTalentLinkPort, type TalentLinkPortOptions } from '../../../connectors/talentlink/rest/port.js';
import type { JobSnapshot, TeamMember } from '../../../src/domain/job-snapshot.js';

/** What the REST client's tests share: credentials, a recording budget, a small mapper, a query reader. */

export const HOST = 'https://bourse.talentlink.test';
export const REST = `${HOST}/tlk/rest`;
export const USER = 'UCANSS:en3s-api:BO';
export const PASSWORD = 'Tr0ub4dor&3-pw';
export const API_KEY = 'ak_live_5f2c9e1b7d';
/** base64("UCANSS:en3s-api:BO:Tr0ub4dor&3-pw"), written out so the test does not mirror the code. */
export const BASIC = 'Basic VUNBTlNTOmVuM3MtYXBpOkJPOlRyMHViNGRvciYzLXB3';
export const SECRETS = [API_KEY, PASSWORD, USER, 'en3s-api', BASIC.slice(6)];

const fixtures = fileURLToPath(new URL('../../fixtures/talentlink-rest/', import.meta.url));
/** One `GET /position` answer as the ATS sends it, with its `actions` links. */
export const positionsAnswer = (): { data: { positions: Record<string, unknown>[]; actions: unknown } } =>
  JSON.parse(readFileSync(`${fixtures}positions--cpam-val-de-marne.json`, 'utf8')) as never;
export const sampleOpening = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...positionsAnswer().data.positions[0],
  ...overrides,
});

/** A real `CallBudget` for tests: records the lanes taken, and stops every call once told the quota is spent. */
export class RecordingBudget implements CallBudget {
  lanes: CallLane[] = [];
  stoppedUntil: number | null = null;
  constructor(private readonly now: () => number) {}
  async take(lane: CallLane): Promise<{ ok: true } | { ok: false; code: 'OVER_QUOTA'; retryAfterMs: number }> {
    this.lanes.push(lane);
    if (this.stoppedUntil !== null && this.now() < this.stoppedUntil) {
      return { ok: false, code: 'OVER_QUOTA', retryAfterMs: this.stoppedUntil - this.now() };
    }
    return { ok: true };
  }
  async quotaExhausted(untilMs: number): Promise<void> {
    this.stoppedUntil = Math.max(this.stoppedUntil ?? 0, untilMs);
  }
}

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

type MemberDto = {
  order?: number | null;
  lovValue?: string | null;
  stepOrder?: number | null;
  user?: { id?: number | null } | null;
};
const members = (list: ReadonlyArray<MemberDto> | null | undefined, approvers = false): TeamMember[] =>
  (list ?? []).map((m) => ({
    userId: String(m.user?.id ?? ''),
    order: m.order ?? 0,
    stepOrder: approvers ? (m.stepOrder ?? null) : null,
    role: m.lovValue ?? null,
  }));

/** A small mapper of this test's own (the real one lives elsewhere): enough to see what reaches it. */
export function testMapper(
  opening: OpeningDto,
  postings: PublishedAdvertDto[] | null,
  fetchedAt: string,
): AtsOutcome<JobSnapshot> {
  if (!opening.jobNumber) {
    return {
      ok: false,
      error: { kind: 'permanent', code: 'MAPPING', message: 'opening.jobNumber: expected a string, got nothing' },
    };
  }
  const snapshot: JobSnapshot = {
    source: 'talentlink',
    atsId: String(opening.id),
    jobNumber: opening.jobNumber,
    requisitionNumber: opening.requisitionNumber ?? null,
    title: opening.jobTitle ?? '',
    createdAt: iso(opening.creationDate) ?? '',
    organism: null,
    classification: {
      grid: null,
      level: null,
      minesScale: null,
      minesCareerStart: null,
      jobFamily: null,
      category: null,
      collectiveAgreement: null,
    },
    unreadable: [],
    updatedAt: iso(opening.updateDate) ?? '',
    fetchedAt,
    organization: {
      atsId: String(opening.organization?.id ?? ''),
      name: opening.organization?.name ?? '',
      ancestors: [],
    },
    status: 'UNKNOWN',
    atsStatus: opening.status ?? '',
    team: {
      recruiters: members(opening.team?.recruiters),
      operationals: members(opening.team?.operationals),
      approvers: members(opening.team?.approvers, true),
    },
    postings:
      postings === null
        ? null
        : postings.map((p) => ({ id: String(p.id), atsStatus: p.status ?? null, postedAt: iso(p.postingStartDate) })),
  };
  return { ok: true, value: snapshot };
}

/** A port on a fixed clock, with its budget and the calls it reported. */
export function makePort(extra: Partial<TalentLinkPortOptions> = {}) {
  const clock = {
    ms: Date.parse('2027-01-15T09:30:00Z'),
    now() {
      return new Date(this.ms);
    },
  };
  const budget = new RecordingBudget(() => clock.ms);
  const calls: RestCallInfo[] = [];
  const port = createTalentLinkPort({
    baseUrl: `${HOST}/`,
    user: USER,
    password: PASSWORD,
    apiKey: API_KEY,
    budget,
    mapOpening: testMapper,
    clock,
    onCall: (info) => calls.push(info),
    ...extra,
  });
  return { port, budget, calls, clock };
}

/** The root field of the GraphQL document a request carried in `?query=`. */
export function sentQuery(request: Request): FieldNode {
  const text = new URL(request.url).searchParams.get('query');
  if (text === null) throw new Error('no query parameter');
  const document = parse(text);
  const operation = document.definitions[0];
  if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('not an operation');
  const root = operation.selectionSet.selections[0];
  if (root?.kind !== Kind.FIELD) throw new Error('no root field');
  return root;
}

/** A literal as a plain value (objects, lists, ints as numbers, enums as their names). */
export function literal(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.LIST:
      return node.values.map(literal);
    case Kind.OBJECT:
      return Object.fromEntries((node as ObjectValueNode).fields.map((f) => [f.name.value, literal(f.value)]));
    case Kind.NULL:
      return null;
    default:
      throw new Error(`unexpected literal ${node.kind}`);
  }
}

/** The root field's arguments as plain values. */
export const argumentsOf = (field: FieldNode): Record<string, unknown> =>
  Object.fromEntries((field.arguments ?? []).map((a: ArgumentNode) => [a.name.value, literal(a.value)]));

/** The selection as a tree of field names: `{id: true, team: {recruiters: {...}}}`. */
export function selectionTree(field: FieldNode): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const selection of field.selectionSet?.selections ?? []) {
    if (selection.kind !== Kind.FIELD) throw new Error('only fields are expected in a selection');
    tree[selection.name.value] = selection.selectionSet ? selectionTree(selection) : true;
  }
  return tree;
}

/**
 * The tenant's HTTP API mocked by msw for one test file: any request without a handler fails the
 * test; `seen` holds copies of the current test's requests, in order (emptied before each test).
 */
export function interceptedTenant(): { server: ReturnType<typeof setupServer>; seen: Request[] } {
  const server = setupServer();
  const seen: Request[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  beforeEach(() => {
    seen.length = 0;
    server.events.removeAllListeners();
    server.events.on('request:start', ({ request }) => seen.push(request.clone()));
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
  return { server, seen };
}
