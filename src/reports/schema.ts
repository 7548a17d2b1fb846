import { z } from 'zod';
import { jobProcessStates } from '../domain/job-process-states.js';

/**
 * The JSON formats of the reports, as zod schemas: the contract for whoever reads the files
 * (documented in docs/reports.md; `z.toJSONSchema(reportJsonSchema)` gives the JSON Schema).
 * Instants are ISO-8601 UTC (`2027-01-12T08:00:00.000Z`), calendar dates `YYYY-MM-DD` in the
 * body's legal time (`timeZone`), codes in English, labels in French. Keys always come in the
 * order below. Every instant of the process (approver, submission, answer, take-down) is the one
 * the connector observed the fact at in the ATS, which does not date its approvals.
 * Version 2: the real ATS (EN3S approver, submission and answer observed; no due date, no lock).
 */

const instant = z.iso.datetime();
const calendarDate = z.iso.date();
const state = z.enum(jobProcessStates);
const actor = z.enum(['connector', 'recruiter']);

export const reportRowJsonSchema = z.strictObject({
  source: z.string(),
  atsId: z.string(),
  campaign: z.number().int(),
  reference: z.string(),
  title: z.string(),
  organism: z.string(),
  organismType: z.string().nullable(),
  regime: z.string().nullable(),
  networks: z.array(z.string()),
  grid: z.string().nullable(),
  level: z.string().nullable(),
  timeZone: z.string(),
  createdAt: instant,
  concerned: z.enum(['yes', 'no', 'undetermined']),
  reason: z.string(),
  citedText: z.string(),
  reviewNeeded: z.boolean(),
  approver: z.strictObject({ observedAt: instant, by: actor }).nullable(),
  submission: z.strictObject({ observedAt: instant, approvers: z.enum(['en3s_only', 'with_others']) }).nullable(),
  answer: z.enum(['approved', 'refused', 'none']).nullable(),
  answerObservedAt: instant.nullable(),
  answerByEn3s: z.boolean().nullable(),
  answerDays: z.number().nullable(),
  published: z.boolean(),
  publishedAt: instant.nullable(),
  postingId: z.string().nullable(),
  publishedWithoutApproval: z.boolean(),
  correctiveAction: z.enum(['taken-down', 'take-down-requested', 'reported']).nullable(),
  correctiveActionAt: instant.nullable(),
  state,
  stateLabel: z.string(),
  stateSince: instant,
  released: z.boolean(),
  enteredProcess: z.boolean(),
});

const stats = z.strictObject({
  offers: z.number().int(),
  byState: z.strictObject(
    Object.fromEntries(jobProcessStates.map((s) => [s, z.number().int()])) as Record<
      (typeof jobProcessStates)[number],
      z.ZodNumber
    >,
  ),
  concerned: z.number().int(),
  toVerify: z.number().int(),
  subject: z.number().int(),
  throughProcess: z.number().int(),
  throughProcessShare: z.number().min(0).max(1).nullable(),
  publishedWithoutApproval: z.number().int(),
  answered: z.number().int(),
  answeredByEn3s: z.number().int(),
  answeredElsewhere: z.number().int(),
  answerDaysMedian: z.number().nullable(),
  answerDaysP90: z.number().nullable(),
});

const group = z.strictObject({ key: z.string(), label: z.string(), stats });

const header = {
  campaign: z.number().int(),
  generatedAt: instant,
  asOf: instant.nullable(),
  reference: instant,
  filters: z.strictObject({
    network: z.string().nullable(),
    regime: z.string().nullable(),
    body: z.string().nullable(),
    states: z.array(state).nullable(),
  }),
  primaryNetworks: z.enum(['all', 'primary']),
};

export const reportJsonSchema = z.strictObject({
  schema: z.literal('en3s-report/2'),
  kind: z.literal('report'),
  ...header,
  offers: z.array(reportRowJsonSchema),
  summary: z.strictObject({
    total: stats,
    byRegime: z.array(group),
    byNetwork: z.array(group),
    byBody: z.array(group),
    weeks: z.array(
      z.strictObject({ week: calendarDate.nullable(), byState: z.partialRecord(state, z.number().int()) }),
    ),
  }),
});

const recapLine = z.strictObject({
  network: z.string(),
  offeredToStudents: z.number().int(),
  approved: z.number().int(),
  pending: z.number().int(),
  releasedWithoutAnswer: z.number().int(),
  total: z.number().int(),
});

export const recapJsonSchema = z.strictObject({
  schema: z.literal('en3s-recap/2'),
  kind: z.literal('recap'),
  ...header,
  lines: z.array(recapLine),
  total: recapLine,
  detail: z.array(
    z.strictObject({
      network: z.string(),
      offers: z.array(
        z.strictObject({
          reference: z.string(),
          title: z.string(),
          organism: z.string(),
          grid: z.string().nullable(),
          level: z.string().nullable(),
          status: z.enum(['refused', 'approved', 'pending', 'released']),
          answerObservedAt: instant.nullable(),
          timeZone: z.string(),
        }),
      ),
    }),
  ),
});

const postsCount = { posts: z.number().int(), entered: z.number().int(), toEnter: z.number().int() };

/**
 * The posts of a campaign to enter on EN3S's online job board (instruction DSS/4B/2026/34 §1.2),
 * by body then référence: `enteredOnBoard` and `boardEntry` say whether an administrator
 * recorded it as entered there, on which day (`enteredOn`, the body's legal time), by whom and when.
 */
export const postsJsonSchema = z.strictObject({
  schema: z.literal('en3s-posts/1'),
  kind: z.literal('posts'),
  ...header,
  posts: z.array(
    z.strictObject({
      ...reportRowJsonSchema.pick({
        source: true,
        atsId: true,
        campaign: true,
        reference: true,
        title: true,
        organism: true,
        organismType: true,
        regime: true,
        networks: true,
        grid: true,
        level: true,
        timeZone: true,
      }).shape,
      concerned: z.enum(['yes', 'undetermined']),
      state,
      stateLabel: z.string(),
      createdAt: instant,
      firstSeenAt: instant,
      window: z.strictObject({ start: calendarDate, end: calendarDate }),
      enteredOnBoard: z.boolean(),
      boardEntry: z
        .strictObject({
          enteredOn: calendarDate,
          note: z.string().nullable(),
          recordedBy: z.string(),
          recordedAt: instant,
        })
        .nullable(),
    }),
  ),
  bodies: z.array(z.strictObject({ organism: z.string(), organismType: z.string().nullable(), ...postsCount })),
  total: z.strictObject(postsCount),
});

export type ReportJson = z.infer<typeof reportJsonSchema>;
export type RecapJson = z.infer<typeof recapJsonSchema>;
export type PostsJson = z.infer<typeof postsJsonSchema>;
