import { readFileSync } from 'node:fs';
import { loadDomainData } from '../../src/mappings/load.js';
import { generateReportFile } from '../../src/reports/generate.js';
import type { ReportFormat } from '../../src/reports/options.js';
import { openDatabase } from '../../src/store/database.js';
import { wholeCampaign } from '../support/report-options.js';

/**
 * One report run of the reports bench, in its own process so that its peak resident memory is
 * the report's alone. Prints one JSON line.
 * Usage: node dist/tests/bench/reports-worker.js <csv|xlsx|json|html> <sqlite file> <output file>
 */

/**
 * The process's peak resident memory in MB. On Linux, from `VmHWM` in /proc/self/status: the
 * peak of this program's own memory. `process.resourceUsage().maxRSS` keeps the peak of the
 * process it was forked from (Linux carries it over the exec), so under a bench that had just
 * generated a campaign it said 287-301 MB for a CSV that peaks at 166; it serves elsewhere.
 */
function peakRssMB(): number {
  try {
    const kB = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kB !== undefined) return Math.round(Number(kB) / 1024);
  } catch {
    // Not Linux: the rusage figure below.
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const [format, file, out] = process.argv.slice(2) as [ReportFormat, string, string];
const store = await openDatabase(`sqlite:${file}`, { create: false });
const { organismsFile } = loadDomainData();
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = await generateReportFile(store.db, organismsFile, {
  kind: 'report',
  format,
  options: wholeCampaign(2027),
  generatedAt: '2027-03-01T07:00:00.000Z',
  out,
  trigger: 'cli',
  now: new Date().toISOString(),
});
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await store.close();
const figures = {
  format,
  rows: result.rowCount,
  ms: Math.round(ms),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  bytes: result.file.bytes,
  sha256: result.file.sha256,
  maxRssMB: peakRssMB(),
};
process.stdout.write(`${JSON.stringify(figures)}\n`);
