import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import {
  type Cell as ColumnCell,
  gridAndLevel,
  postColumns,
  postsOfBodyColumns,
  recapColumns,
  recapDetailColumns,
  recapStatusLabels,
  reportColumns,
  type TableColumn,
} from './columns.js';
import { LocalDates } from './local-dates.js';
import type { Group, GroupStats, PostsList, Recap, ReportHeader, ReportRow, Summary } from './model.js';
import { SummaryBuilder } from './summary.js';
import {
  groupFigures,
  groupTitles,
  groupTotal,
  shownShare,
  headerLines,
  indicators,
  reportTitle,
  stateLines,
  type Figure,
} from './summary-layout.js';

/**
 * XLSX through exceljs's streaming writer: rows are committed as they come, so a sheet of any
 * length is written in bounded memory. Byte-identical output for the same data: the workbook's
 * dates are the generation instant, and every zip entry is dated with it too (exceljs leaves
 * the zip entries at "now"; `FixedDateWorkbookWriter` pins them before the first entry is added).
 */

type Archive = { append(source: unknown, data: Record<string, unknown>): unknown; __en3sPinned?: boolean };

class FixedDateWorkbookWriter extends ExcelJS.stream.xlsx.WorkbookWriter {
  // Called by the base constructor right after it creates the archive, before any entry.
  override addThemes(): Promise<void> {
    this.pin();
    return super.addThemes();
  }
  override addOfficeRels(): Promise<void> {
    this.pin();
    return super.addOfficeRels();
  }
  private pin(): void {
    const self = this as unknown as { zip: Archive; created: Date };
    const zip = self.zip;
    if (zip.__en3sPinned) return;
    const append = zip.append.bind(zip);
    const date = self.created;
    zip.append = (source, data) => append(source, { ...data, date });
    zip.__en3sPinned = true;
  }
}

function workbook(out: Writable, header: ReportHeader): ExcelJS.stream.xlsx.WorkbookWriter {
  const at = new Date(header.generatedAt);
  const options = {
    stream: out,
    useStyles: true,
    useSharedStrings: false,
    created: at,
    modified: at,
    creator: 'Connecteur EN3S',
    lastModifiedBy: 'Connecteur EN3S',
  };
  return new FixedDateWorkbookWriter(options as Partial<ExcelJS.stream.xlsx.WorkbookStreamWriterOptions>);
}

const DATE_FORMAT = 'dd/mm/yyyy';
// exceljs's typings lack some options its streaming writer reads (autoFilter, tabSelected): hence the casts below.

const excelDates = new Map<string, Date>();
/**
 * A calendar date `YYYY-MM-DD` as an Excel date (midnight UTC is the day itself to Excel); few distinct days, so
 * shared.
 */
function excelDate(isoDate: string): Date {
  let date = excelDates.get(isoDate);
  if (!date) {
    date = new Date(`${isoDate}T00:00:00.000Z`);
    if (excelDates.size > 50_000) excelDates.clear();
    excelDates.set(isoDate, date);
  }
  return date;
}

function figureValue(f: Figure): number | string {
  if (f.value === null) return '—';
  return f.kind === 'share' ? shownShare(f.value) : f.value;
}

function figureFormat(f: Figure): string | undefined {
  return f.kind === 'share' ? '0.0%' : f.kind === 'days' ? '0.0' : undefined;
}

function addFigureRow(sheet: ExcelJS.Worksheet, label: string, figures: Figure[], bold = false): void {
  const row = sheet.addRow([label, ...figures.map(figureValue)]);
  figures.forEach((f, i) => {
    const format = figureFormat(f);
    if (format && f.value !== null) row.getCell(i + 2).numFmt = format;
  });
  if (bold) row.font = { bold: true };
  row.commit();
}

function addTitleRows(sheet: ExcelJS.Worksheet, header: ReportHeader): void {
  const title = sheet.addRow([reportTitle(header)]);
  title.font = { bold: true, size: 14 };
  title.commit();
  for (const line of headerLines(header)) sheet.addRow([line]).commit();
  sheet.addRow([]).commit();
}

function addBoldRow(sheet: ExcelJS.Worksheet, values: (string | number)[]): void {
  const row = sheet.addRow(values);
  row.font = { bold: true };
  row.commit();
}

function addGroupTable(sheet: ExcelJS.Worksheet, title: string, groups: Group[], total: GroupStats): void {
  addBoldRow(sheet, [title, ...groupTitles]);
  for (const g of groups) addFigureRow(sheet, g.label, groupFigures(g));
  const sum = groupTotal(groups, total);
  addFigureRow(sheet, sum.label, groupFigures(sum), true);
  sheet.addRow([]).commit();
}

function writeSummarySheet(book: ExcelJS.stream.xlsx.WorkbookWriter, header: ReportHeader, summary: Summary): void {
  const sheet = book.addWorksheet('Synthèse', {
    views: [{ tabSelected: true }],
  } as unknown as Partial<ExcelJS.AddWorksheetOptions>);
  sheet.columns = [{ width: 62 }, ...groupTitles.map(() => ({ width: 14 }))];
  addTitleRows(sheet, header);
  addBoldRow(sheet, ['Indicateurs']);
  for (const [label, figure] of indicators(summary.total)) addFigureRow(sheet, label, [figure]);
  sheet.addRow([]).commit();
  addBoldRow(sheet, ['Offres par état', 'Offres']);
  for (const [label, count] of stateLines(summary.total)) sheet.addRow([label, count]).commit();
  sheet.addRow([]).commit();
  addGroupTable(sheet, 'Par régime', summary.byRegime, summary.total);
  addGroupTable(sheet, 'Par réseau', summary.byNetwork, summary.total);
  addGroupTable(sheet, 'Par organisme', summary.byBody, summary.total);
  sheet.commit();
}

function columnLetter(n: number): string {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
}

function cellValue(cell: ColumnCell): string | number | Date | null {
  switch (cell.kind) {
    case 'text':
      return cell.value;
    case 'date':
      return cell.value ? excelDate(cell.value) : null;
    case 'number':
      return cell.value;
    case 'yesno':
      return cell.value ? 'oui' : 'non';
  }
}

// Shared style objects: exceljs caches a style by object identity, so a million cells cost one lookup each.
const DATE_STYLE: Partial<ExcelJS.Style> = Object.freeze({ numFmt: DATE_FORMAT });
const DAYS_STYLE: Partial<ExcelJS.Style> = Object.freeze({ numFmt: '0.0' });
const PLAIN_STYLE: Partial<ExcelJS.Style> = Object.freeze({});

/**
 * One pass: the offers sheet streams out first, the summary of exactly those rows follows in its
 * own sheet, which the workbook opens on (a sheet's XML cannot be written before the previous
 * one is finished, and a second read of the offers would double the time).
 */
export async function writeReportXlsx(
  header: ReportHeader,
  rows: AsyncIterable<ReportRow>,
  out: Writable,
): Promise<{ count: number; summary: Summary }> {
  const book = workbook(out, header);
  book.views = [{ activeTab: 1, firstSheet: 0, visibility: 'visible', x: 0, y: 0, width: 28800, height: 15000 }];
  const sheet = book.addWorksheet('Offres', {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0, tabSelected: false }],
    autoFilter: `A1:${columnLetter(reportColumns.length)}1`,
  } as unknown as Partial<ExcelJS.AddWorksheetOptions>);
  sheet.columns = reportColumns.map((c) => ({ width: c.width }));
  addBoldRow(
    sheet,
    reportColumns.map((c) => c.title),
  );
  const written = new SummaryBuilder(header.campaign);
  let count = 0;
  let styles: Partial<ExcelJS.Style>[] | null = null;
  for await (const r of rows) {
    written.add(r);
    const cells = reportColumns.map((c) => c.cell(r));
    styles ??= cells.map((cell) =>
      cell.kind === 'date' ? DATE_STYLE : cell.kind === 'number' ? DAYS_STYLE : PLAIN_STYLE,
    );
    const row = sheet.addRow(cells.map(cellValue));
    const columnStyles = styles;
    row.eachCell((cell, column) => {
      cell.style = columnStyles[column - 1]!;
    });
    row.commit();
    count += 1;
  }
  sheet.commit();
  const summary = written.result();
  writeSummarySheet(book, header, summary);
  await book.commit();
  return { count, summary };
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique. */
function sheetName(name: string, taken: Set<string>): string {
  const base =
    name
      .replace(/[:\\/?*[\]]/g, ' ')
      .slice(0, 31)
      .trim() || 'Réseau';
  let candidate = base;
  for (let i = 2; taken.has(candidate.toLowerCase()); i++) candidate = `${base.slice(0, 27)} (${i})`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

export async function writeRecapXlsx(header: ReportHeader, recap: Recap, out: Writable): Promise<void> {
  const book = workbook(out, header);
  const taken = new Set<string>(['récapitulatif']);
  const sheet = book.addWorksheet('Récapitulatif');
  sheet.columns = [{ width: 28 }, ...recapColumns.slice(1).map(() => ({ width: 18 }))];
  addTitleRows(sheet, header);
  addBoldRow(sheet, [...recapColumns]);
  const line = (l: Recap['total']) => [
    l.network,
    l.offeredToStudents,
    l.approved,
    l.pending,
    l.releasedWithoutAnswer,
    l.total,
  ];
  for (const l of recap.lines) sheet.addRow(line(l)).commit();
  addBoldRow(sheet, line(recap.total));
  sheet.commit();
  const dates = new LocalDates();
  for (const { network, offers } of recap.detail) {
    const detail = book.addWorksheet(sheetName(network, taken), {
      views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }],
    } as unknown as Partial<ExcelJS.AddWorksheetOptions>);
    detail.columns = [{ width: 16 }, { width: 40 }, { width: 32 }, { width: 14 }, { width: 40 }, { width: 14 }];
    addBoldRow(detail, recapDetailColumns);
    for (const o of offers) {
      const row = detail.addRow([
        o.reference,
        o.title,
        o.organism,
        gridAndLevel(o.grid, o.level) ?? '',
        recapStatusLabels[o.status],
        o.answerAt ? excelDate(dates.isoDate(o.answerAt, o.timeZone)) : null,
      ]);
      if (o.answerAt) row.getCell(6).numFmt = DATE_FORMAT;
      row.commit();
    }
    detail.commit();
  }
  await book.commit();
}

/** Rows of a plain table, each cell typed as its column says (real dates, numbers as numbers). */
function addTableRows<R>(sheet: ExcelJS.Worksheet, columns: readonly TableColumn<R>[], rows: readonly R[]): void {
  for (const r of rows) {
    const cells = columns.map((c) => c.cell(r));
    const row = sheet.addRow(cells.map(cellValue));
    cells.forEach((cell, i) => {
      if (cell.kind === 'date' && cell.value) row.getCell(i + 1).style = DATE_STYLE;
    });
    row.commit();
  }
}

/**
 * The posts to enter on EN3S's board: a `Postes à saisir` sheet (one row per post, by body,
 * header frozen, autofilter: filter one body to hand it its list), then `Par organisme` (the
 * title, the filters, and per body the posts, those entered and those still to enter).
 */
export async function writePostsXlsx(header: ReportHeader, list: PostsList, out: Writable): Promise<void> {
  const book = workbook(out, header);
  const posts = book.addWorksheet('Postes à saisir', {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 0, tabSelected: true }],
    autoFilter: `A1:${columnLetter(postColumns.length)}1`,
  } as unknown as Partial<ExcelJS.AddWorksheetOptions>);
  posts.columns = postColumns.map((c) => ({ width: c.width }));
  addBoldRow(
    posts,
    postColumns.map((c) => c.title),
  );
  addTableRows(posts, postColumns, list.posts);
  posts.commit();
  const bodies = book.addWorksheet('Par organisme');
  bodies.columns = postsOfBodyColumns.map((c) => ({ width: c.width }));
  addTitleRows(bodies, header);
  addBoldRow(
    bodies,
    postsOfBodyColumns.map((c) => c.title),
  );
  addTableRows(bodies, postsOfBodyColumns, list.bodies);
  addBoldRow(bodies, ['Total', '', list.total.posts, list.total.entered, list.total.toEnter]);
  bodies.commit();
  await book.commit();
}
