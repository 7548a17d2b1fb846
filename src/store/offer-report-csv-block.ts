import { BLOCK_FIELD_END, BLOCK_ROW_END, type OfferReportCsvBlock, type OfferReportPosition } from './offer-report.js';

/**
 * The CSV records of a block of `offer_report_csv` (`readOfferReportCsvBlock`), made from its
 * bytes without decoding them: each record is the runs of its stored text copied as they are,
 * with the bytes of its moment's cells between them. The same records as `MomentCells.record`
 * makes from strings (`csv-cells.test.ts` compares both with rows rendered whole).
 *
 * A block is used only when every field is where it should be: the page's rows all hold their
 * record of this version, each row has its six fields and the runs of these columns, and the
 * keys come in strictly increasing report order. Otherwise `render` answers null and the page
 * is read as rows: a text holding a separator, a row without its record, or an order SQL did
 * not promise can never shift a byte of the report.
 */

/** The cells of a row's moment as CSV text, in order, and the networks the row is reported under. */
export interface MomentTexts {
  networks: string[];
  texts: string[];
}

/** How the report's renderer lays out a record (`csvRecordParts` of `src/reports/render-csv.ts`). */
export interface CsvRecordLayout {
  /** The runs of fixed columns stored ahead. */
  runCount: number;
  /** How many moment cells come before each run (the last entry: after the last run). */
  momentsBefore: readonly number[];
  /** The moment's cells of a row, from its networks' text and `csv_moment` (the report's instant and options). */
  moment: (row: { networks: string; csv_moment: string }) => MomentTexts;
}

const RUN_END = 0x1f;
const CRLF = Buffer.from('\r\n');
const SEMICOLON = Buffer.from(';');

/** The records of a block, the number of offers they hold (the network filter applied) and the page's last key. */
export interface CsvBlockRecords {
  bytes: Buffer;
  rows: number;
  last: OfferReportPosition;
}

/** A moment's cells as the bytes written before, between and after the runs of a record. */
interface MomentBytes {
  networks: string[];
  /**
   * `gaps[0]` before the first run, `gaps[k]` between runs k-1 and k, the last after the last run (the record's end
   * with it).
   */
  gaps: Buffer[];
  /** Their length in all. */
  length: number;
}

export class CsvBlockRecordsMaker {
  /**
   * The bytes of a row's networks and moment values as they are (read as Latin-1, one char per byte) → its moment's
   * bytes.
   */
  private readonly moments = new Map<string, MomentBytes>();

  /** `network`: the report's network filter (null: every row). */
  constructor(
    private readonly layout: CsvRecordLayout,
    private readonly network: string | null,
  ) {}

  private momentOf(block: Buffer, from: number, middle: number, to: number): MomentBytes {
    const key = block.toString('latin1', from, to);
    let made = this.moments.get(key);
    if (made !== undefined) return made;
    const networks = block.toString('utf8', from, middle);
    const csv_moment = block.toString('utf8', middle + 1, to);
    made = momentBytes(this.layout.moment({ networks, csv_moment }), this.layout);
    if (this.moments.size >= 10_000) this.moments.clear();
    this.moments.set(key, made);
    return made;
  }

  /** The block's records, or null when the block is not usable as it is (see above). */
  render({ rows, ready, block }: OfferReportCsvBlock): CsvBlockRecords | null {
    if (rows === 0 || ready !== rows) return null;
    const { runCount } = this.layout;
    let out = Buffer.allocUnsafe(block.length + (block.length >> 2) + 1024);
    let at = 0;
    let kept = 0;
    let p = 0;
    // The previous row's key: job number, source and ATS id as ranges of the block.
    let prev: number[] | null = null;
    for (let r = 0; r < rows; r++) {
      let end = block.indexOf(BLOCK_ROW_END, p);
      if (end === -1) end = block.length;
      if ((end === block.length) !== (r === rows - 1)) return null;
      const f1 = block.indexOf(BLOCK_FIELD_END, p);
      const f2 = block.indexOf(BLOCK_FIELD_END, f1 + 1);
      const f3 = block.indexOf(BLOCK_FIELD_END, f2 + 1);
      const f4 = block.indexOf(BLOCK_FIELD_END, f3 + 1);
      const f5 = block.indexOf(BLOCK_FIELD_END, f4 + 1);
      // Six fields exactly: the fifth separator is the row's last one.
      if (
        f1 === -1 ||
        f2 === -1 ||
        f3 === -1 ||
        f4 === -1 ||
        f5 === -1 ||
        f5 >= end ||
        block.lastIndexOf(BLOCK_FIELD_END, end - 1) !== f5
      )
        return null;
      // The runs of the stored text, exactly as many as the columns have.
      const runs: number[] = [f5 + 1];
      for (let k = 1; k < runCount; k++) {
        const sep = block.indexOf(RUN_END, runs[runs.length - 1]!);
        if (sep === -1 || sep >= end) return null;
        runs.push(sep, sep + 1);
      }
      if (block.lastIndexOf(RUN_END, end - 1) >= runs[runs.length - 1]!) return null;
      runs.push(end);
      if (prev !== null && !increasing(block, prev, p, f1, f2, f3)) return null;
      prev = [p, f1, f1 + 1, f2, f2 + 1, f3];
      p = end + 1;
      // Only now that the row has its shape are its fields read as what they are.
      const moment = this.momentOf(block, f3 + 1, f4, f5);
      if (this.network !== null && !moment.networks.includes(this.network)) continue;
      const need = end - f5 + moment.length;
      if (at + need > out.length) {
        const larger = Buffer.allocUnsafe(Math.max(out.length * 2, at + need));
        out.copy(larger, 0, 0, at);
        out = larger;
      }
      at = put(out, at, moment.gaps[0]!);
      for (let k = 0; k < runCount; k++) {
        at = copy(block, runs[2 * k]!, runs[2 * k + 1]!, out, at);
        at = put(out, at, moment.gaps[k + 1]!);
      }
      kept += 1;
    }
    if (prev === null) return null;
    const last: OfferReportPosition = [
      block.toString('utf8', prev[0], prev[1]),
      block.toString('utf8', prev[2], prev[3]),
      block.toString('utf8', prev[4], prev[5]),
    ];
    return { bytes: out.subarray(0, at), rows: kept, last };
  }
}

/**
 * Whether the key whose job number is `j0..j1`, source `j1+1..s1` and ATS id `s1+1..a1` comes
 * strictly after the previous one, compared as SQLite's BINARY collation does (bytes, then length).
 */
function increasing(block: Buffer, prev: number[], j0: number, j1: number, s1: number, a1: number): boolean {
  const job = block.compare(block, prev[0]!, prev[1]!, j0, j1);
  if (job !== 0) return job > 0;
  const source = block.compare(block, prev[2]!, prev[3]!, j1 + 1, s1);
  if (source !== 0) return source > 0;
  return block.compare(block, prev[4]!, prev[5]!, s1 + 1, a1) > 0;
}

/**
 * Copies bytes `from..to` of `source` into `out` at `at`; returns where the copy ends. Most
 * pieces of a record are short, and a loop over a hundred bytes costs less than a call to
 * `Buffer#copy` (about 150 ns each, measured).
 */
function copy(source: Buffer, from: number, to: number, out: Buffer, at: number): number {
  if (to - from > 96) return at + source.copy(out, at, from, to);
  for (let i = from; i < to; i++) out[at++] = source[i]!;
  return at;
}

function put(out: Buffer, at: number, bytes: Buffer): number {
  return copy(bytes, 0, bytes.length, out, at);
}

/** The bytes of a moment's cells around and between the runs, with the separators and the record's end. */
function momentBytes(moment: MomentTexts, { runCount, momentsBefore }: CsvRecordLayout): MomentBytes {
  const gaps: Buffer[] = [];
  let cell = 0;
  for (let k = 0; k <= runCount; k++) {
    const texts = moment.texts.slice(cell, cell + momentsBefore[k]!);
    cell += texts.length;
    const parts = [];
    if (k > 0) parts.push(SEMICOLON);
    for (const t of texts) parts.push(Buffer.from(t), SEMICOLON);
    if (k === runCount) {
      // After the last run: the record's end instead of a separator after the last cell.
      parts.pop();
      parts.push(CRLF);
    }
    gaps.push(Buffer.concat(parts));
  }
  return { networks: moment.networks, gaps, length: gaps.reduce((n, g) => n + g.length, 0) };
}
