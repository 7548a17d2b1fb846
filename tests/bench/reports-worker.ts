import { loadDomainData } from '../../src/mappings/load.js';
import { generateReportFile } from '../../src/reports/generate.js';
import type { ReportFormat } from '../../src/reports/options.js';
import { openDatabase } from '../../src/store/database.js';

/**
 * One report run of the reports bench, in its own process so that its peak resident memory
 * (`process.resourceUsage().maxRSS`) is the report's alone. Prints one JSON line.
 * Usage: node dist/tests/bench/reports-worker.js <csv|xlsx|json|html> <sqlite file> <output file> [threads]
 */

const [format, file, out, threads] = process.argv.slice(2) as [ReportFormat, string, string, string | undefined];
const store = await openDatabase(`sqlite:${file}`, { create: false });
const { organismsFile } = loadDomainData();
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = await generateReportFile(store.db, organismsFile, {
  kind: 'report',
  format,
  options: { campaign: 2027, asOf: null, network: null, regime: null, body: null, states: null, primaryNetworks: 'all' },
  generatedAt: '2027-03-01T07:00:00.000Z',
  out,
  trigger: 'cli',
  now: new Date().toISOString(),
  parts: { threads: Number(threads ?? 1) },
});
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
await store.close();
process.stdout.write(
  `${JSON.stringify({ format, rows: result.rowCount, ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), bytes: result.file.bytes, sha256: result.file.sha256, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`,
);
