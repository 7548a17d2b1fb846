import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SQLITE_PAGE_SIZE } from '../../src/store/database.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { generateReportCampaign } from './report-campaign.js';
import { buildTemplates } from './report-templates.js';

/**
 * Reports bench: a campaign of 1,000,000 offers with their ledger (copies of histories the real
 * pipeline wrote), then the CSV report streamed from the database, and the XLSX report of a
 * campaign of 100,000 offers, each in a child process that reports its time and peak resident
 * memory. Run with `npm run build && npm run bench:reports` (`-- --threads 2` for the CSV in parts).
 *
 * Generating the campaigns takes minutes, so the SQLite files are kept in the system's temporary
 * folder, named after a digest of everything that shapes them (templates, size, migrations, page size),
 * and reused by the next run; `--fresh` generates them again. The last line is one JSON object.
 *
 * The CSV is timed twice: first with the campaign's file dropped from the operating system's page
 * cache (cold: every page read from the disk, as on the first report after a restart or after
 * other work filled the cache), then again at once (warm). The target is judged on the cold run;
 * without a way to drop the cache (not Linux, or no `dd`), the first run is reported as such.
 */

const CSV_OFFERS = 1_000_000;
const XLSX_OFFERS = 100_000;
const CSV_TARGET_S = 10;
const CSV_TARGET_MB = 300;
const XLSX_TARGET_S = 15;

const here = dirname(fileURLToPath(import.meta.url));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const sig3 = (n: number) => Number(n.toPrecision(3));
const fresh = process.argv.includes('--fresh');
// `--threads 2`: the CSV made in parts on two threads (see src/reports/csv-parts.ts); one by default.
const threadsArg = process.argv.indexOf('--threads');
const threads = threadsArg === -1 ? 1 : Number(process.argv[threadsArg + 1]);

const cpu = cpus();
console.log(
  `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${fmt(totalmem() / 1024 / 1024)} MB RAM, load ${loadavg()
    .map((l) => fmt(l, 1))
    .join(' ')}, Node ${process.version}`,
);

// A yardstick for reading the numbers across machines: JSON.parse throughput on this one.
{
  const sample = JSON.stringify({
    items: Array.from({ length: 40 }, (_, i) => ({
      key: `k${i}-${'x'.repeat(16)}`,
      value: i,
      at: '2027-01-01T00:00:00.000Z',
    })),
  });
  const t = performance.now();
  for (let i = 0; i < 20_000; i++) JSON.parse(sample);
  console.log(`yardstick: JSON.parse ${fmt((sample.length * 20_000) / 1e6 / ((performance.now() - t) / 1000))} MB/s`);
}

const t = performance.now();
const templates = await buildTemplates();
console.log(
  `templates: ${templates.length} offer histories written by the pipeline (${fmt(performance.now() - t)} ms)`,
);

const migrations = Object.keys(await migrationProvider.getMigrations()).join(',');
const folder = join(tmpdir(), 'en3s-reports-bench');
mkdirSync(folder, { recursive: true });

async function campaign(offers: number): Promise<string> {
  const key = createHash('sha256')
    .update(JSON.stringify({ templates, offers, migrations, generator: 2, pageSize: SQLITE_PAGE_SIZE }))
    .digest('hex')
    .slice(0, 16);
  const file = join(folder, `campaign-${offers}-${key}.sqlite`);
  const done = `${file}.complete`;
  if (!fresh && existsSync(done)) {
    console.log(`campaign of ${fmt(offers)} offers: reused ${file} (${readFileSync(done, 'utf8').trim()})`);
    return file;
  }
  for (const suffix of ['', '-wal', '-shm', '.complete']) rmSync(`${file}${suffix}`, { force: true });
  const started = performance.now();
  const generated = await generateReportCampaign(file, offers, templates);
  const note = `${fmt(generated.offers)} offers, ${fmt(generated.ledgerEntries)} ledger entries`;
  writeFileSync(done, `${note}\n`);
  console.log(
    `campaign of ${fmt(offers)} offers: generated ${note} in ${fmt((performance.now() - started) / 1000, 1)} s → ${file}`,
  );
  return file;
}

interface Run {
  rows: number;
  ms: number;
  /** CPU time of the run (user + system): the work itself, whatever else the machine is doing. */
  cpuMs: number;
  bytes: number;
  maxRssMB: number;
}

/** The 1-minute load average: the machine is shared, and the figures mean little without it. */
const load1 = () => Number(loadavg()[0]!.toFixed(2));

function run(format: 'csv' | 'xlsx', file: string): Run & { load: [number, number] } {
  const out = join(folder, `report.${format}`);
  const loadBefore = load1();
  const child = spawnSync(process.execPath, [join(here, 'reports-worker.js'), format, file, out, String(threads)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) {
    console.error(`the ${format} run failed (exit ${child.status}):\n${child.stderr}`);
    process.exit(1);
  }
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as Run;
  rmSync(out, { force: true });
  return { ...result, load: [loadBefore, load1()] };
}

/**
 * Drops a file's pages from the page cache: written pages are synced first, then `dd` with
 * `iflag=nocache count=0` advises the kernel to drop the whole file (POSIX_FADV_DONTNEED, which
 * any user who can read the file may do). Returns false where that is not available.
 */
function dropFromPageCache(file: string): boolean {
  for (const path of [file, `${file}-wal`]) {
    if (!existsSync(path)) continue;
    if (spawnSync('sync', [path]).status !== 0) return false;
    if (spawnSync('dd', [`if=${path}`, 'iflag=nocache', 'count=0'], { stdio: 'ignore' }).status !== 0) return false;
  }
  return true;
}

const big = await campaign(CSV_OFFERS);
const small = await campaign(XLSX_OFFERS);

function csvRun(label: string): Run & { load: [number, number]; rate: number } {
  const csv = run('csv', big);
  if (csv.rows !== CSV_OFFERS) {
    console.error(`the CSV holds ${fmt(csv.rows)} offers, ${fmt(CSV_OFFERS)} expected`);
    process.exit(1);
  }
  const rate = csv.rows / (csv.ms / 1000);
  console.log(
    `csv ${label} (${threads} thread${threads > 1 ? 's' : ''}): ${fmt(csv.rows)} offers in ${fmt(csv.ms / 1000, 2)} s (${fmt(rate)} offers/s; CPU ${fmt(csv.cpuMs / 1000, 1)} s, ${fmt((csv.cpuMs * 1000) / csv.rows, 1)} µs per offer), ${fmt(csv.bytes / 1e6, 1)} MB, peak RSS ${fmt(csv.maxRssMB)} MB, load ${csv.load.join(' → ')}`,
  );
  return { ...csv, rate };
}

const dropped = dropFromPageCache(big);
const csv = csvRun(
  dropped ? 'cold, file dropped from the page cache' : 'first run (the page cache could not be dropped here)',
);
const warm = csvRun('warm, right after');

const xlsx = run('xlsx', small);
if (xlsx.rows !== XLSX_OFFERS) {
  console.error(`the XLSX holds ${fmt(xlsx.rows)} offers, ${fmt(XLSX_OFFERS)} expected`);
  process.exit(1);
}
const xlsxRate = xlsx.rows / (xlsx.ms / 1000);
console.log(
  `xlsx: ${fmt(xlsx.rows)} offers in ${fmt(xlsx.ms / 1000, 2)} s (${fmt(xlsxRate)} offers/s; CPU ${fmt(xlsx.cpuMs / 1000, 1)} s), ${fmt(xlsx.bytes / 1e6, 1)} MB, peak RSS ${fmt(xlsx.maxRssMB)} MB, load ${xlsx.load.join(' → ')}`,
);

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `targets: csv ≤ ${CSV_TARGET_S} s ${dropped ? 'cold' : 'first run'} ${verdict(csv.ms <= CSV_TARGET_S * 1000)} (warm ${verdict(warm.ms <= CSV_TARGET_S * 1000)}), csv peak RSS ≤ ${CSV_TARGET_MB} MB ${verdict(Math.max(csv.maxRssMB, warm.maxRssMB) <= CSV_TARGET_MB)}, xlsx ≤ ${XLSX_TARGET_S} s ${verdict(xlsx.ms <= XLSX_TARGET_S * 1000)}`,
);
console.log(
  JSON.stringify({
    bench: 'reports',
    csvRowsPerSec: sig3(csv.rate),
    csvPeakRssMB: Math.max(csv.maxRssMB, warm.maxRssMB),
    xlsxRowsPerSec: sig3(xlsxRate),
    csvCold: dropped,
    csvWarmRowsPerSec: sig3(warm.rate),
    load1: [...csv.load, ...warm.load, ...xlsx.load],
  }),
);
