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
 * Reports bench: the numbers a campaign's reports are held to. A campaign of 50,000 offers (a large
 * real year) as CSV and as XLSX, and a campaign of 1,000,000 offers as CSV from a cold cache, with
 * its peak resident memory. Each campaign holds its offers with their ledger (copies of histories
 * the real pipeline wrote); each report runs in a child process that reports its time and peak
 * resident memory. Run with `npm run build && npm run bench:reports`.
 *
 * Generating the campaigns takes minutes, so the SQLite files are kept in the system's temporary
 * folder, named after a digest of everything that shapes them (templates, size, migrations, page size),
 * and reused by the next run; `--fresh` generates them again. The last line is one JSON object:
 * `{"bench":"reports","csv50kSeconds":…,"xlsx50kSeconds":…,"csv1MColdSeconds":…,"csvPeakRssMB":…}`.
 *
 * The CSV of 1,000,000 offers is timed with the campaign's file dropped from the operating system's
 * page cache (cold: every page read from the disk, as on the first report after a restart or after
 * other work filled the cache); without a way to drop the cache (not Linux, or no `dd`), the run is
 * reported as a first run. The machine is shared: every run prints the load average around it.
 */

const SMALL_OFFERS = 50_000;
const BIG_OFFERS = 1_000_000;
const CSV_SMALL_TARGET_S = 1;
const XLSX_SMALL_TARGET_S = 6;
const CSV_BIG_TARGET_S = 15;
const CSV_TARGET_MB = 300;

const here = dirname(fileURLToPath(import.meta.url));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const fresh = process.argv.includes('--fresh');

const cpu = cpus();
console.log(
  `machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${fmt(totalmem() / 1024 / 1024)} ` +
    `MB RAM, load ${loadavg()
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
    `campaign of ${fmt(offers)} offers: generated ${note} in ${fmt((performance.now() - started) / 1000, 1)} ` +
      `s → ${file}`,
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
  const child = spawnSync(process.execPath, [join(here, 'reports-worker.js'), format, file, out], {
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

const small = await campaign(SMALL_OFFERS);
const big = await campaign(BIG_OFFERS);

function timed(format: 'csv' | 'xlsx', file: string, offers: number, label: string): Run & { load: [number, number] } {
  const result = run(format, file);
  if (result.rows !== offers) {
    console.error(`the ${format} report holds ${fmt(result.rows)} offers, ${fmt(offers)} expected`);
    process.exit(1);
  }
  console.log(
    `${format} of ${fmt(offers)} offers${label ? ` ${label}` : ''}: ${fmt(result.ms / 1000, 2)} ` +
      `s (${fmt(result.rows / (result.ms / 1000))} offers/s; CPU ${fmt(result.cpuMs / 1000, 1)} ` +
      `s, ${fmt((result.cpuMs * 1000) / result.rows, 1)} µs per offer), ${fmt(result.bytes / 1e6, 1)} ` +
      `MB, peak RSS ${fmt(result.maxRssMB)} MB, load ${result.load.join(' → ')}`,
  );
  return result;
}

const csvSmall = timed('csv', small, SMALL_OFFERS, '');
const xlsxSmall = timed('xlsx', small, SMALL_OFFERS, '');
const dropped = dropFromPageCache(big);
const csvBig = timed(
  'csv',
  big,
  BIG_OFFERS,
  dropped ? 'cold, file dropped from the page cache' : 'first run (the page cache could not be dropped here)',
);
const csvPeakRssMB = Math.max(csvSmall.maxRssMB, csvBig.maxRssMB);

const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `targets: csv of 50,000 ≤ ${CSV_SMALL_TARGET_S} s ${verdict(csvSmall.ms <= CSV_SMALL_TARGET_S * 1000)}, ` +
    `xlsx of 50,000 ≤ ${XLSX_SMALL_TARGET_S} s ${verdict(xlsxSmall.ms <= XLSX_SMALL_TARGET_S * 1000)}, ` +
    `csv of 1,000,000 ≤ ${CSV_BIG_TARGET_S} s ${dropped ? 'cold' : 'first run'} ` +
    `${verdict(csvBig.ms <= CSV_BIG_TARGET_S * 1000)}, ` +
    `csv peak RSS ≤ ${CSV_TARGET_MB} MB ${verdict(csvPeakRssMB <= CSV_TARGET_MB)}`,
);
const seconds = (ms: number) => Number((ms / 1000).toFixed(2));
console.log(
  JSON.stringify({
    bench: 'reports',
    csv50kSeconds: seconds(csvSmall.ms),
    xlsx50kSeconds: seconds(xlsxSmall.ms),
    csv1MColdSeconds: seconds(csvBig.ms),
    csvPeakRssMB,
  }),
);
