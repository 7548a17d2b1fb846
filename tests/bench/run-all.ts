import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, loadAverage } from './bench-machine.js';

/**
 * `npm run bench`: every compiled `*.bench.js` beside this file, one after the other (never two
 * at once: they would measure each other), then the XML-attack measurements of the hostile-input
 * tests, and `BENCHMARKS.md` at the root of the repository with the figures, the machine, the
 * date and the commands that reproduce each of them. Each bench's output is shown live and kept
 * whole in the file; its last line (one JSON object) is the summary. Exit code 1 if any failed.
 * The benches are `eligibility`, `pipeline`, `reports`, `webhooks` (the alert route against a bare express
 * route) and `ats` (the service against the tenant simulator at 8 calls per second: the window's
 * opening and the steady state; about 15 minutes). `EN3S_BENCH_QUICK=1` runs the benches that
 * have a short form (`ats --quick`) in it, and says so in the file.
 */

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..', '..');
const output = join(root, 'BENCHMARKS.md');

interface Run {
  name: string;
  command: string;
  npmScript: string | undefined;
  output: string;
  summary: Record<string, unknown> | undefined;
  exitCode: number | null;
  seconds: number;
}

/** The npm script whose command runs `file`, if package.json has one. */
function npmScriptFor(file: string): string | undefined {
  const scripts =
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
    {};
  return Object.entries(scripts).find(([name, command]) => name !== 'bench' && command.includes(file))?.[0];
}

function lastJsonLine(text: string): Record<string, unknown> | undefined {
  const line = text.trim().split('\n').pop() ?? '';
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a command with its output shown live and captured. */
function run(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Omit<Run, 'npmScript'>> {
  const started = performance.now();
  console.log(`\n=== ${name}: ${command}\n`);
  return new Promise((resolve) => {
    const child = spawn(args[0]!, args.slice(1), {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const keep = (chunk: Buffer, stream: NodeJS.WriteStream) => {
      text += chunk.toString('utf8');
      stream.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => keep(chunk, process.stdout));
    child.stderr.on('data', (chunk: Buffer) => keep(chunk, process.stderr));
    child.on('close', (code) => {
      // Colour codes (vitest) and this machine's folders do not belong in a committed file.
      const plain = text
        // biome-ignore lint/suspicious/noControlCharactersInRegex: removes the terminal's colour codes
        .replace(/\u001b\[[0-9;]*m/g, '')
        .split(root)
        .join('.')
        .split(tmpdir())
        .join('$TMPDIR');
      resolve({
        name,
        command,
        output: plain,
        summary: lastJsonLine(plain),
        exitCode: code,
        seconds: (performance.now() - started) / 1000,
      });
    });
  });
}

/** Benches with a short form, and the argument that asks for it. */
const quickForms: Record<string, string> = { 'ats.bench.js': '--quick' };
const quick = process.env.EN3S_BENCH_QUICK === '1';

const benches = readdirSync(here)
  .filter((file) => file.endsWith('.bench.js'))
  .sort();
const startedAt = new Date();
const loadAtStart = loadAverage();
const runs: Run[] = [];
for (const file of benches) {
  const relative = `dist/tests/bench/${file}`;
  const extra = quick && quickForms[file] ? [quickForms[file]] : [];
  const result = await run(
    basename(file, '.bench.js'),
    `node --expose-gc ${relative}${extra.map((a) => ` ${a}`).join('')}`,
    [process.execPath, '--expose-gc', join(here, file), ...extra],
  );
  runs.push({ ...result, npmScript: npmScriptFor(relative) });
}

// The hostile-input tests measure each XML attack's time and memory; their figures belong here too.
const reportDir = mkdtempSync(join(tmpdir(), 'en3s-hostile-report-'));
const reportFile = join(reportDir, 'xml-attacks.json');
const hostileCommand = 'npx vitest run tests/integration/hostile/xml-attacks.test.ts';
const hostile = await run(
  'xml-attacks',
  hostileCommand,
  ['npx', 'vitest', 'run', 'tests/integration/hostile/xml-attacks.test.ts'],
  { EN3S_HOSTILE_REPORT: reportFile },
);
let attacks: {
  name: string;
  status: number;
  code: string;
  bodyBytes: number;
  ms: number;
  extraBytes: number;
  gcDuring: boolean;
}[] = [];
try {
  attacks = (JSON.parse(readFileSync(reportFile, 'utf8')) as { xmlAttacks: typeof attacks }).xmlAttacks;
} catch {
  attacks = [];
}
rmSync(reportDir, { recursive: true, force: true });

const size = (bytes: number) =>
  Math.abs(bytes) < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const lines: string[] = [
  '# Benchmarks',
  '',
  `Generated by \`npm run bench\` (\`tests/bench/run-all.ts\`) on ${startedAt.toISOString().slice(0, 10)} ` +
    `at ${startedAt.toISOString().slice(11, 16)} UTC.`,
  '',
  `- Machine: ${describeMachine()}`,
  `- Load average (1 / 5 / 15 min) at the start: ${loadAtStart}; at the end: ${loadAverage()}. ` +
    `Other work on the machine shows here and in the figures.`,
  '',
  'To reproduce everything: `npm run build && npm run bench` (this file is rewritten). Each bench alone:',
  '',
  ...runs.map((r) => {
    const quick = r.command.includes(' --quick') ? ' -- --quick' : '';
    return `- ${r.name}: \`npm run build && ${r.npmScript ? `npm run ${r.npmScript}${quick}` : r.command}\``;
  }),
  `- XML attacks: \`${hostileCommand}\` (figures printed by the test)`,
  '',
  '## Summary',
  '',
  '| bench | result (last line of its output) | time |',
  '|---|---|---|',
  ...runs.map((r) => {
    const result =
      r.exitCode === 0 && r.summary ? `\`${JSON.stringify(r.summary)}\`` : `**failed** (exit code ${r.exitCode})`;
    return `| ${r.name} | ${result} | ${Math.round(r.seconds)} s |`;
  }),
  '',
];
for (const r of runs) {
  const targets = r.output.split('\n').filter((line) => line.startsWith('targets:'));
  lines.push(`## ${r.name}`, '', `Command: \`${r.command}\``, '');
  if (targets.length > 0) lines.push(...targets.map((t) => `- ${t}`), '');
  lines.push('```text', r.output.trimEnd(), '```', '');
}
lines.push(
  '## XML attacks (hostile-input tests)',
  '',
  `Command: \`${hostileCommand}\`. Each attack is a document given to \`en3s evaluate\`, ` +
    `which still reads the earlier XML and JSON job formats; the bounds asserted by the test ` +
    `are ten times the issue's (100 ms, 20 MB), these are the measured figures.`,
  '',
);
if (attacks.length > 0 && hostile.exitCode === 0) {
  lines.push('| attack | body | answer | round trip | extra memory |', '|---|---|---|---|---|');
  for (const a of attacks)
    lines.push(
      `| ${a.name} | ${size(a.bodyBytes)} | ${a.status} ${a.code} | ${a.ms.toFixed(1)} ms | ` +
        `${size(a.extraBytes)}${a.gcDuring ? ' (a GC ran meanwhile)' : ''} |`,
    );
  lines.push(
    '',
    'Round trip: from sending the request to the end of the answer, over loopback. Extra ' +
      'memory: heap and external memory right after the answer minus before it (after a full GC).',
    '',
  );
} else {
  lines.push(
    `Not measured: the test run ended with exit code ${hostile.exitCode}.`,
    '',
    '```text',
    hostile.output.trimEnd().split('\n').slice(-30).join('\n'),
    '```',
    '',
  );
}
writeFileSync(output, `${lines.join('\n')}\n`);
console.log(`\nBENCHMARKS.md written (${runs.length} benches, ${attacks.length} XML attacks).`);
if (runs.some((r) => r.exitCode !== 0) || hostile.exitCode !== 0) process.exitCode = 1;
