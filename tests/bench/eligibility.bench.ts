import { cpus, loadavg, totalmem } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { loadTalentLinkMapping } from '../../connectors/talentlink/mapping.js';
import type { Decision } from '../../src/domain/decision.js';
import { evaluate } from '../../src/domain/eligibility.js';
import type { CampaignWindow } from '../../src/domain/window.js';
import { loadDomainData } from '../../src/mappings/load.js';
import { generateOffers } from './generate-offers.js';
import { createJsonRulesEligibility, difference, jreInput, type JreInput } from './json-rules-engine-rules.js';

/**
 * Eligibility bench: explained decisions per second of `evaluate`, against the same rules in
 * json-rules-engine. Run with `npm run build && npm run bench:eligibility` (needs --expose-gc).
 * Correctness first: both engines must give the same decision on a sample, or the bench exits 1.
 * The last line is one JSON object for tooling.
 */

const OFFERS = 1_000_000;
const ROUNDS = 5;
const AGREEMENT_SAMPLE = 20_000;
const JRE_OFFERS = 10_000;
const JRE_ROUNDS = 3;
const RETAINED_SAMPLE = 100_000;
const TARGET_RATE = 1_000_000;
const TARGET_RATIO = 30;

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024, 0)} MB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sig3 = (n: number) => Number(n.toPrecision(3));
const nowNs = () => Number(process.hrtime.bigint());

/** GC pauses by start time; entries arrive asynchronously, so they are read after a short wait. */
const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, duration: e.duration });
}).observe({ entryTypes: ['gc'] });
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));
const gcMsBetween = (from: number, to: number) =>
  gcPauses.reduce((ms, p) => (p.start >= from && p.start < to ? ms + p.duration : ms), 0);

/** A digest of a decision, folded into a checksum so the JIT cannot drop the work. */
function fingerprint(d: Decision): number {
  const first = d.reasons[0]!;
  return (
    (d.concerned === true ? 1 : d.concerned === false ? 2 : 3) +
    (d.windowOpen ? 4 : 0) +
    (d.reasons.length << 3) +
    (first.code.length << 6) +
    (d.missing.length << 12)
  );
}

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const cpu = cpus();
// On a shared machine the load average says what else competed for the cores.
const load = () => loadavg()[0]!.toFixed(2);
console.log(
  `machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ${mb(totalmem())} ` +
    `RAM, Node ${process.version}, ${process.platform}/${process.arch}; load average ${load()}`,
);

const data = loadDomainData();
const mapping = loadTalentLinkMapping();
const heapBefore = heapUsed();
let t = performance.now();
const { offers, instants } = generateOffers(OFFERS, data, mapping);
const offersHeap = heapUsed() - heapBefore;
console.log(
  `generated ${fmt(OFFERS)} offers in ${fmt(performance.now() - t)} ms (${mb(offersHeap)} of ` +
    `heap, ${fmt(offersHeap / OFFERS)} B/offer)`,
);

// --- Correctness: the same decision from both engines on a sample.
const jre = createJsonRulesEligibility(data.ruleSetFiles);
const spans = new WeakMap<CampaignWindow, string>();
t = performance.now();
let disagreements = 0;
for (let i = 0; i < AGREEMENT_SAMPLE; i++) {
  const diff = difference(
    evaluate(offers[i]!, instants[i]!, data.ruleSets),
    await jre.decide(jreInput(offers[i]!, instants[i]!, data.ruleSets, spans)),
  );
  if (diff !== null && ++disagreements <= 5) {
    console.error(
      `disagreement on offer ${i} (${offers[i]!.organization.name}, ${new Date(instants[i]!).toISOString()}, ` +
        `${JSON.stringify(offers[i]!.classification)}):\n${diff}`,
    );
  }
}
if (disagreements > 0) {
  console.error(
    `json-rules-engine and evaluate disagree on ${fmt(disagreements)} of ${fmt(AGREEMENT_SAMPLE)} ` +
      `offers: the comparison would be meaningless.`,
  );
  process.exit(1);
}
console.log(
  `agreement: json-rules-engine (${jre.ruleCount} rules) and evaluate give the same decision ` +
    `on ${fmt(AGREEMENT_SAMPLE)} of ${fmt(AGREEMENT_SAMPLE)} offers (${fmt(performance.now() - t)} ms)`,
);

// --- evaluate: warm-up, then rounds over every offer.
function evaluateRound(): { ns: number; checksum: number } {
  const ruleSets = data.ruleSets;
  let checksum = 0;
  const start = nowNs();
  for (let i = 0; i < OFFERS; i++)
    checksum = (Math.imul(checksum, 31) + fingerprint(evaluate(offers[i]!, instants[i]!, ruleSets))) | 0;
  return { ns: nowNs() - start, checksum };
}
evaluateRound();
const checksums = new Set<number>();
const evaluateNs: number[] = [];
gc();
const evaluateFrom = performance.now();
const evaluateCpu = process.cpuUsage();
for (let r = 0; r < ROUNDS; r++) {
  const { ns, checksum } = evaluateRound();
  evaluateNs.push(ns);
  checksums.add(checksum);
}
const evaluateCpuUs = process.cpuUsage(evaluateCpu);
const evaluateTo = performance.now();
if (checksums.size !== 1) {
  console.error(`evaluate gave different results from one round to the next (checksums ${[...checksums].join(', ')})`);
  process.exit(1);
}

// --- json-rules-engine: facts prepared beforehand (not timed), then rounds over a subset.
const jreFrom = OFFERS - JRE_OFFERS;
const inputs: JreInput[] = [];
for (let i = jreFrom; i < OFFERS; i++) inputs.push(jreInput(offers[i]!, instants[i]!, data.ruleSets, spans));
const jreNs: number[] = [];
let jreChecksum = 0;
gc();
const jreStart = performance.now();
for (let r = 0; r < JRE_ROUNDS; r++) {
  const start = nowNs();
  for (const input of inputs) {
    const d = await jre.decide(input);
    jreChecksum = (Math.imul(jreChecksum, 31) + d.reasons.length + (d.windowOpen ? 4 : 0)) | 0;
  }
  jreNs.push(nowNs() - start);
}
const jreTo = performance.now();
await settle();
const evaluateGcMs = gcMsBetween(evaluateFrom, evaluateTo) / ROUNDS;
const jreGcMs = gcMsBetween(jreStart, jreTo) / JRE_ROUNDS;

// --- Memory: what a decision keeps alive once returned.
async function retainedPerDecision(count: number, decide: (i: number) => unknown): Promise<number> {
  const kept = new Array<unknown>(count).fill(null);
  const before = heapUsed();
  for (let i = 0; i < count; i++) kept[i] = await decide(i);
  const bytes = heapUsed() - before;
  if (kept.some((d) => d === null)) throw new Error('a decision was not kept');
  return bytes / count;
}
const evaluateRetained = await retainedPerDecision(RETAINED_SAMPLE, (i) =>
  evaluate(offers[i]!, instants[i]!, data.ruleSets),
);
const jreRetained = await retainedPerDecision(2_000, (i) => jre.decide(inputs[i]!));

// --- Report.
const evalNs = median(evaluateNs);
const jreMedianNs = median(jreNs);
const rate = OFFERS / (evalNs / 1e9);
const jreRate = JRE_OFFERS / (jreMedianNs / 1e9);
const ratio = rate / jreRate;
const rows = [
  [
    'engine',
    'decisions/round',
    'rounds',
    'median round',
    'decisions/s',
    'ns/decision',
    'retained B/decision',
    'GC ms/round',
  ],
  [
    'evaluate',
    fmt(OFFERS),
    String(ROUNDS),
    `${fmt(evalNs / 1e6)} ms`,
    fmt(rate),
    fmt(evalNs / OFFERS, 1),
    fmt(evaluateRetained),
    fmt(evaluateGcMs, 1),
  ],
  [
    'json-rules-engine',
    fmt(JRE_OFFERS),
    String(JRE_ROUNDS),
    `${fmt(jreMedianNs / 1e6)} ms`,
    fmt(jreRate),
    fmt(jreMedianNs / JRE_OFFERS, 1),
    fmt(jreRetained),
    fmt(jreGcMs, 1),
  ],
];
const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
console.log('');
for (const row of rows)
  console.log(row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '));
console.log('');
console.log(
  `rounds (ms): evaluate ${evaluateNs.map((ns) => fmt(ns / 1e6)).join(' / ')}; ` +
    `json-rules-engine ${jreNs.map((ns) => fmt(ns / 1e6)).join(' / ')}`,
);
// CPU time (all threads, GC included) tells a slow machine from a busy one: wall time counts waits for a core too.
const cpuNs = (evaluateCpuUs.user + evaluateCpuUs.system) * 1000;
console.log(
  `evaluate CPU time: ${fmt(cpuNs / (OFFERS * ROUNDS), 1)} ns/decision over the ${ROUNDS} ` +
    `rounds (wall: ${fmt(evaluateNs.reduce((a, b) => a + b, 0) / (OFFERS * ROUNDS), 1)})`,
);
console.log(`load average at the end: ${load()} (${cpu.length} cores)`);
console.log(
  `checksums: evaluate ${[...checksums][0]}, json-rules-engine ${jreChecksum}; ` +
    `peak RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
);
console.log(
  'json-rules-engine is given the text in force and the window state as precomputed facts ' +
    '(not timed); evaluate computes them itself.',
);
console.log(
  `targets: ≥ ${fmt(TARGET_RATE)} decisions/s ${rate >= TARGET_RATE ? 'met' : 'MISSED'}; ≥ ${TARGET_RATIO}× ` +
    `json-rules-engine ${ratio >= TARGET_RATIO ? 'met' : 'MISSED'} (${fmt(ratio, 1)}×)`,
);
console.log(
  JSON.stringify({
    bench: 'eligibility',
    decisionsPerSec: sig3(rate),
    jsonRulesEngineDecisionsPerSec: sig3(jreRate),
    ratio: Math.round(ratio * 10) / 10,
  }),
);
