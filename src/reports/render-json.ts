import type { Writable } from 'node:stream';
import { stateLabel } from '../domain/workflow-states.js';
import { endStream, writeChunk } from './atomic-file.js';
import type { Recap, ReportHeader, ReportRow, Summary } from './model.js';
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
    team: r.team ? { at: utc(r.team.at), by: r.team.by } : null,
    approval: r.approval ? { at: utc(r.approval.at), by: r.approval.by } : null,
    dueDate: r.dueDate,
    overdue: r.overdue,
    en3sAnswer: r.en3sAnswer,
    en3sAt: utc(r.en3sAt),
    answerDays: r.answerDays,
    published: r.published,
    publishedAt: utc(r.publishedAt),
    channel: r.channel,
    publishedBeforeDecision: r.publishedBeforeDecision,
    correctiveAction: r.correctiveAction,
    correctiveActionAt: utc(r.correctiveActionAt),
    state: r.state,
    stateLabel: stateLabel(r.state),
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

export async function writeReportJson(header: ReportHeader, rows: AsyncIterable<ReportRow>, out: Writable): Promise<{ count: number; summary: Summary }> {
  const summary = new SummaryBuilder(header.campaign);
  let count = 0;
  await writeChunk(out, `${head('en3s-report/1', header)},"offers":[`);
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
  const detail = recap.detail.map((d) => ({ network: d.network, offers: d.offers.map((o) => ({ ...o, en3sAt: utc(o.en3sAt) })) }));
  await writeChunk(out, `${head('en3s-recap/1', header)},"lines":${JSON.stringify(recap.lines)},"total":${JSON.stringify(recap.total)},"detail":${JSON.stringify(detail)}}\n`);
  await endStream(out);
}
