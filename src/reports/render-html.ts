import type { Writable } from 'node:stream';
import { endStream, writeChunk } from './atomic-file.js';
import { weeklyChartSvg } from './chart-svg.js';
import {
  cellText,
  gridAndLevel,
  recapColumns,
  recapDetailColumns,
  recapStatusLabels,
  reportColumns,
} from './columns.js';
import { frenchDay, LocalDates } from './local-dates.js';
import type { Group, GroupStats, Recap, ReportHeader, ReportRow, Summary } from './model.js';
import { SummaryBuilder } from './summary.js';
import {
  figureText,
  groupFigures,
  groupTotal,
  groupTitles,
  headerLines,
  indicators,
  reportTitle,
  stateLines,
} from './summary-layout.js';

/**
 * The printable HTML report, in French: one self-contained page (styles inline, the chart as
 * inline SVG, no script, no external asset), A4 landscape when printed, the table header
 * repeated on every printed page. The offers table streams out row by row.
 */

export const escapeHtml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `
  @page { size: A4 landscape; margin: 12mm; }
  body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1d1d1d; margin: 24px; font-size: 13px; }
  h1 { font-size: 20px; margin: 0 0 8px; }
  h2 { font-size: 16px; margin: 24px 0 8px; border-bottom: 2px solid #1d3f72; padding-bottom: 2px; }
  p.meta { margin: 2px 0; color: #444; }
  table { border-collapse: collapse; margin: 4px 0 12px; }
  th, td { border: 1px solid #c8c8c8; padding: 3px 6px; text-align: left; vertical-align: top; }
  th { background: #e9eef6; }
  td.n { text-align: right; white-space: nowrap; }
  table.offers { font-size: 10px; width: 100%; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  svg.chart { width: 100%; max-width: 960px; height: auto; }
  @media print { body { margin: 0; } h2 { break-after: avoid; } }
`;

function page(header: ReportHeader): string {
  const title = escapeHtml(reportTitle(header));
  const meta = headerLines(header)
    .map((l) => `<p class="meta">${escapeHtml(l)}</p>`)
    .join('\n');
  return (
    `<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n<title>${title}` +
    `</title>\n<style>${STYLE}</style>\n</head>\n<body>\n<h1>${title}</h1>\n${meta}\n`
  );
}

const td = (text: string, numeric = false) => `<td${numeric ? ' class="n"' : ''}>${escapeHtml(text)}</td>`;
const th = (text: string) => `<th>${escapeHtml(text)}</th>`;

function groupTable(title: string, groups: Group[], total: GroupStats): string {
  const head = `<tr>${th(title)}${groupTitles.map(th).join('')}</tr>`;
  const body = [...groups, groupTotal(groups, total)]
    .map(
      (g) =>
        `<tr>${td(g.label)}${groupFigures(g)
          .map((f) => td(figureText(f), true))
          .join('')}</tr>`,
    )
    .join('\n');
  return `<table>\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>\n`;
}

function summaryHtml(summary: Summary): string {
  const figures = indicators(summary.total)
    .map(([label, f]) => `<tr>${td(label)}${td(figureText(f), true)}</tr>`)
    .join('\n');
  const states = stateLines(summary.total)
    .map(([label, n]) => `<tr>${td(label)}${td(String(n), true)}</tr>`)
    .join('\n');
  return [
    `<h2>Indicateurs</h2>\n<table>\n<tbody>\n${figures}\n</tbody>\n</table>\n`,
    `<h2>Offres par semaine de création et par état</h2>\n${weeklyChartSvg(summary.weeks)}\n`,
    `<h2>Offres par état</h2>\n<table>\n<thead><tr>${th('État')}${th('Offres')}` +
      `</tr></thead>\n<tbody>\n${states}\n</tbody>\n</table>\n`,
    '<h2>Par régime</h2>\n',
    groupTable('Régime', summary.byRegime, summary.total),
    '<h2>Par réseau</h2>\n',
    groupTable('Réseau', summary.byNetwork, summary.total),
    '<h2>Par organisme</h2>\n',
    groupTable('Organisme', summary.byBody, summary.total),
  ].join('');
}

export async function writeReportHtml(
  header: ReportHeader,
  summary: Summary,
  rows: AsyncIterable<ReportRow>,
  out: Writable,
): Promise<{ count: number; summary: Summary }> {
  await writeChunk(out, page(header) + summaryHtml(summary));
  await writeChunk(
    out,
    `<h2>Offres</h2>\n<table class="offers">\n<thead><tr>` +
      `${reportColumns.map((c) => th(c.title)).join('')}</tr></thead>\n<tbody>\n`,
  );
  const written = new SummaryBuilder(header.campaign);
  let count = 0;
  for await (const row of rows) {
    written.add(row);
    const cells = reportColumns.map((c) => {
      const cell = c.cell(row);
      return td(cellText(cell), cell.kind === 'number');
    });
    await writeChunk(out, `<tr>${cells.join('')}</tr>\n`);
    count += 1;
  }
  await writeChunk(out, '</tbody>\n</table>\n</body>\n</html>\n');
  await endStream(out);
  return { count, summary: written.result() };
}

export async function writeRecapHtml(header: ReportHeader, recap: Recap, out: Writable): Promise<void> {
  const line = (l: Recap['total'], bold = false) => {
    const cells = [
      td(l.network),
      ...[l.offeredToStudents, l.approved, l.pending, l.releasedWithoutAnswer, l.total].map((n) => td(String(n), true)),
    ].join('');
    return bold ? `<tr style="font-weight:bold">${cells}</tr>` : `<tr>${cells}</tr>`;
  };
  const parts = [
    page(header),
    `<h2>Récapitulatif</h2>\n<table>\n<thead><tr>${recapColumns.map(th).join('')}` +
      `</tr></thead>\n<tbody>\n${recap.lines.map((l) => line(l)).join('\n')}\n` +
      `${line(recap.total, true)}\n</tbody>\n</table>\n`,
  ];
  const dates = new LocalDates();
  for (const { network, offers } of recap.detail) {
    const rows = offers
      .map(
        (o) =>
          `<tr>${td(o.reference)}${td(o.title)}${td(o.organism)}` +
          `${td(gridAndLevel(o.grid, o.level) ?? '')}${td(recapStatusLabels[o.status])}` +
          `${td(o.answerAt ? frenchDay(dates.isoDate(o.answerAt, o.timeZone)) : '')}</tr>`,
      )
      .join('\n');
    parts.push(
      `<h2>${escapeHtml(network)}</h2>\n<table>\n<thead><tr>` +
        `${recapDetailColumns.map(th).join('')}</tr></thead>\n<tbody>\n${rows}` +
        `\n</tbody>\n</table>\n`,
    );
  }
  parts.push('</body>\n</html>\n');
  await writeChunk(out, parts.join(''));
  await endStream(out);
}
