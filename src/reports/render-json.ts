import type { Writable } from 'node:stream';
import { jobProcessLabel } from '../domain/job-process-states.js';
import { endStream, writeChunk } from './atomic-file.js';
import type { PostRow, PostsList, Recap, ReportHeader, ReportRow, Summary } from './model.js';
import { SummaryBuilder } from './summary.js';

/**
 * JSON of the reports, in the shape of `schema.ts`: keys in a fixed order, instants in UTC,
 * one offer per line. The offers stream out as they are read and the summary, accumulated on
 * the way, closes the document, so a report of any size is written in one pass.
 */

const utc = (instant: string | null): string | null => (instant === null ? null : new Date(instant).toISOString());

export function jsonRow(r: ReportRow) {
  return {
    source: r.source,
    atsId: r.atsId,
    campaign: r.campaign,
    reference: r.reference,
    title: r.title,
    organism: r.organism,
    organismType: r.organismType,
    regime: r.regime,
    networks: r.networks,
    grid: r.grid,
    level: r.level,
    timeZone: r.timeZone,
    createdAt: utc(r.createdAt),
    concerned: r.concerned,
    reason: r.reason,
    citedText: r.citedText,
    reviewNeeded: r.reviewNeeded,
    approver: r.approver ? { observedAt: utc(r.approver.at), by: r.approver.by } : null,
    submission: r.submission ? { observedAt: utc(r.submission.at), approvers: r.submission.approvers } : null,
    answer: r.answer,
    answerObservedAt: utc(r.answerAt),
    answerByEn3s: r.answerByEn3s,
    answerDays: r.answerDays,
    published: r.published,
    publishedAt: utc(r.publishedAt),
    postingId: r.postingId,
    publishedWithoutApproval: r.publishedWithoutApproval,
    correctiveAction: r.correctiveAction,
    correctiveActionAt: utc(r.correctiveActionAt),
    state: r.state,
    stateLabel: jobProcessLabel(r.state),
    stateSince: utc(r.stateSince),
    released: r.released,
    enteredProcess: r.enteredProcess,
  };
}

function head(schema: string, h: ReportHeader): string {
  const fields = {
    schema,
    kind: h.kind,
    campaign: h.campaign,
    generatedAt: utc(h.generatedAt),
    asOf: utc(h.asOf),
    reference: utc(h.reference),
    filters: { network: h.filters.network, regime: h.filters.regime, body: h.filters.body, states: h.filters.states },
    primaryNetworks: h.primaryNetworks,
  };
  // The header without its closing brace: the body follows.
  return JSON.stringify(fields).slice(0, -1);
}

export async function writeReportJson(
  header: ReportHeader,
  rows: AsyncIterable<ReportRow>,
  out: Writable,
): Promise<{ count: number; summary: Summary }> {
  const summary = new SummaryBuilder(header.campaign);
  let count = 0;
  await writeChunk(out, `${head('en3s-report/2', header)},"offers":[`);
  for await (const row of rows) {
    summary.add(row);
    await writeChunk(out, `${count === 0 ? '\n' : ',\n'}${JSON.stringify(jsonRow(row))}`);
    count += 1;
  }
  const result = summary.result();
  await writeChunk(out, `${count === 0 ? '' : '\n'}],"summary":${JSON.stringify(result)}}\n`);
  await endStream(out);
  return { count, summary: result };
}

export async function writeRecapJson(header: ReportHeader, recap: Recap, out: Writable): Promise<void> {
  const detail = recap.detail.map((d) => ({
    network: d.network,
    offers: d.offers.map(({ answerAt, timeZone, ...o }) => ({ ...o, answerObservedAt: utc(answerAt), timeZone })),
  }));
  await writeChunk(
    out,
    `${head('en3s-recap/2', header)},"lines":${JSON.stringify(recap.lines)},"total":` +
      `${JSON.stringify(recap.total)},"detail":${JSON.stringify(detail)}}\n`,
  );
  await endStream(out);
}

/** A post to enter on EN3S's board, in the shape of `postsJsonSchema`. */
export function jsonPost(p: PostRow) {
  return {
    source: p.source,
    atsId: p.atsId,
    campaign: p.campaign,
    reference: p.reference,
    title: p.title,
    organism: p.organism,
    organismType: p.organismType,
    regime: p.regime,
    networks: p.networks,
    grid: p.grid,
    level: p.level,
    timeZone: p.timeZone,
    concerned: p.concerned,
    state: p.state,
    stateLabel: jobProcessLabel(p.state),
    createdAt: utc(p.createdAt),
    firstSeenAt: utc(p.firstSeenAt),
    window: { start: p.window.start, end: p.window.end },
    enteredOnBoard: p.entry !== null,
    boardEntry: p.entry
      ? {
          enteredOn: p.entry.enteredOn,
          note: p.entry.note,
          recordedBy: p.entry.recordedBy,
          recordedAt: utc(p.entry.recordedAt),
        }
      : null,
  };
}

export async function writePostsJson(header: ReportHeader, list: PostsList, out: Writable): Promise<void> {
  const posts = list.posts.map((p) => JSON.stringify(jsonPost(p))).join(',\n');
  await writeChunk(
    out,
    `${head('en3s-posts/1', header)},"posts":[${posts ? `\n${posts}\n` : ''}],"bodies":` +
      `${JSON.stringify(list.bodies)},"total":${JSON.stringify(list.total)}}\n`,
  );
  await endStream(out);
}
