import { jobProcessLabel, jobProcessStates, type JobProcessState } from '../domain/job-process-states.js';
import { frenchDay } from './local-dates.js';
import type { WeekCount } from './model.js';

/**
 * The chart of the HTML report, drawn on the server as inline SVG (no script, no external
 * asset, prints as it shows): offers per week of creation, stacked by state. Coordinates are
 * rounded to one decimal so the same data always gives the same text.
 */

export const stateColors: Record<JobProcessState, string> = {
  not_concerned: '#b8b8b8',
  undetermined: '#e6a117',
  outside_window: '#8fa9c9',
  published_before_window: '#7d7d7d',
  awaiting_approver: '#f2c94c',
  awaiting_submission: '#f29e4c',
  submitted: '#4c8df2',
  refusal_observed: '#a98bd1',
  published_without_approval: '#d7263d',
  approved: '#2e9e5b',
  refused: '#6b3fa0',
  released: '#1b998b',
  closed: '#5b5b5b',
};

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const r1 = (n: number) => String(Math.round(n * 10) / 10);

/** 1, 2 or 5 times a power of ten, so that about five ticks cover `max`. */
function tickStep(max: number): number {
  const raw = Math.max(1, max / 5);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

export function weeklyChartSvg(weeks: readonly WeekCount[]): string {
  const width = 960;
  const height = 340;
  const left = 56;
  const right = 16;
  const top = 16;
  const bottom = 64;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const totals = weeks.map((w) => Object.values(w.byState).reduce((a, b) => a + (b ?? 0), 0));
  const step = tickStep(Math.max(1, ...totals));
  const yMax = Math.max(step, Math.ceil(Math.max(1, ...totals) / step) * step);
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const slot = weeks.length > 0 ? plotW / weeks.length : plotW;
  const barW = Math.max(1, slot * 0.7);
  const present = jobProcessStates.filter((s) => weeks.some((w) => (w.byState[s] ?? 0) > 0));

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height + 24 * Math.ceil(present.length / 4)}" ` +
      `role="img" aria-labelledby="chart-title" class="chart">`,
  );
  parts.push('<title id="chart-title">Offres par semaine de création et par état</title>');
  for (let v = 0; v <= yMax; v += step) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${r1(y(v))}" y2="${r1(y(v))}" stroke="#dddddd" stroke-width="1"/>`,
    );
    parts.push(`<text x="${left - 6}" y="${r1(y(v) + 4)}" text-anchor="end" font-size="11">${v}</text>`);
  }
  weeks.forEach((w, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let base = 0;
    for (const s of jobProcessStates) {
      const n = w.byState[s] ?? 0;
      if (n === 0) continue;
      const label = `${w.week ? `Semaine du ${frenchDay(w.week)}` : 'Avant la période'} — ${jobProcessLabel(s)} : ${n}`;
      parts.push(
        `<rect x="${r1(x)}" y="${r1(y(base + n))}" width="${r1(barW)}" height="${r1(y(base) - y(base + n))}" ` +
          `fill="${stateColors[s]}"><title>${escapeXml(label)}</title></rect>`,
      );
      base += n;
    }
    const labelX = r1(x + barW / 2);
    const text = w.week ? frenchDay(w.week).slice(0, 5) : 'avant';
    parts.push(
      `<text x="${labelX}" y="${top + plotH + 14}" text-anchor="end" font-size="10" ` +
        `transform="rotate(-45 ${labelX} ${top + plotH + 14})">${text}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" ` +
      `stroke="#333333" stroke-width="1"/>`,
  );
  parts.push(`<text x="${left}" y="${height - 8}" font-size="11">Semaine de création (lundi)</text>`);
  present.forEach((s, i) => {
    const lx = left + (i % 4) * 220;
    const ly = height + 8 + Math.floor(i / 4) * 24;
    parts.push(
      `<rect x="${lx}" y="${ly}" width="12" height="12" fill="${stateColors[s]}"/><text x="${lx + 18}" ` +
        `y="${ly + 11}" font-size="12">${escapeXml(jobProcessLabel(s))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
