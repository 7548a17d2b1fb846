import { cpus, loadavg, release, totalmem, type } from 'node:os';

/** The machine a bench ran on, as one line: the figures mean nothing without it. */
export function describeMachine(): string {
  const cpu = cpus();
  const ram = Math.round(totalmem() / 1024 / 1024 / 1024);
  return (
    `${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${ram} GB RAM, ` +
    `Node ${process.version}, ${type()} ${release()} (${process.arch})`
  );
}

/** The 1-minute load average: on a shared machine, what else was running shows here. */
export function loadAverage(): string {
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ');
}

export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Rows as an aligned table, first row the header, first column left-aligned. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  return rows
    .map((row) =>
      row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '),
    )
    .join('\n');
}

/** The value at quantile `q` (0–1) of ascending `sorted`. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export const median = (xs: readonly number[]): number =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
