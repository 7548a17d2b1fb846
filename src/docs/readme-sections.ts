import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settings } from '../config.js';
import { jobProcessStates, jobProcessTable } from '../domain/job-process-states.js';
import { packageRoot } from '../paths.js';

/**
 * Parts of the README generated from the code, so that they cannot drift: the configuration
 * reference (from the zod settings) and the job's states in a campaign (from `jobProcessTable`). `npm run docs`
 * rewrites them between their markers; a test fails when the README is out of date.
 */

const show = (value: unknown) =>
  Array.isArray(value)
    ? value.length
      ? `\`${value.join(' ')}\``
      : '(vide)'
    : value === ''
      ? '(vide)'
      : `\`${String(value)}\``;

export function configReference(): string {
  const rows = Object.entries(settings).map(([name, s]) => {
    const setting = s as { env: string; default?: unknown; description: string; secret?: boolean };
    return (
      `| \`${setting.env}\` | \`${name}\` | ${show(setting.default)} | ${setting.description}` +
      `${setting.secret ? ' *(secret)*' : ''} |`
    );
  });
  return ['| variable | key in the config file | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function statesReference(): string {
  const rows = jobProcessStates.map((state) => {
    const info = jobProcessTable[state];
    const others = info.next.filter((n) => n !== state);
    const next = others.length ? others.map((n) => `\`${n}\``).join(', ') : '— (final)';
    return `| \`${state}\` | ${info.label} | ${info.description} | ${next} |`;
  });
  return ['| state | label (French) | meaning | may become |', '|---|---|---|---|', ...rows].join('\n');
}

const sections: Record<string, () => string> = { config: configReference, states: statesReference };

export function renderReadme(text: string): string {
  let out = text;
  for (const [name, render] of Object.entries(sections)) {
    const begin = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const i = out.indexOf(begin);
    const j = out.indexOf(end);
    if (i < 0 || j < i) throw new Error(`README.md: markers ${begin} … ${end} not found`);
    out = `${out.slice(0, i + begin.length)}\n${render()}\n${out.slice(j)}`;
  }
  return out;
}

export function updateReadme(): boolean {
  const file = join(packageRoot(), 'README.md');
  const text = readFileSync(file, 'utf8');
  const next = renderReadme(text);
  if (next !== text) writeFileSync(file, next);
  return next !== text;
}
