import { escapeHtml } from '../html-escape.js';

/**
 * HTML built from template literals, escaped by default: every interpolated value is escaped
 * unless it is already `SafeHtml` (the result of another `html` template or of `raw`, which only
 * this module's callers use for markup they wrote themselves). Arrays are joined, null and
 * undefined and false print nothing. Nothing an ATS, a recruiter or a URL sends can reach the
 * page unescaped.
 */

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup written by the program itself (never data). */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** A query string from parameters, empty values left out; values are URL-encoded (then escaped by `html`). */
export function queryString(params: Record<string, string | number | boolean | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    search.set(key, value === true ? '1' : String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A path from segments, each URL-encoded: ids from the ATS may hold any character. */
export function pathOf(...segments: (string | number)[]): string {
  return segments.map((s, i) => (i === 0 ? String(s) : encodeURIComponent(String(s)))).join('/');
}
