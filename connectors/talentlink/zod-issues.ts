import type { z } from 'zod';

/**
 * Turns zod issues into messages that say where and what was expected, e.g.
 * `job.approvalProcess.steps[0].status: expected one of PENDING|APPROVED|REJECTED, got "OK"`.
 * The value shown is read from the original input (coercion would otherwise show `NaN`) and
 * shortened, so that a message never carries a whole field of free text.
 */

const MAX_SHOWN = 60;

export interface FormattedIssue {
  path: string;
  message: string;
}

/** `['job', 'steps', 0, 'status']` → `job.steps[0].status`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** A short, quoted rendering of a value for a message. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, part)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

const typeNames: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
};

const formatNames: Record<string, string> = {
  datetime: 'an ISO-8601 date-time with an offset or Z',
  date: 'a calendar date YYYY-MM-DD',
};

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${String(issue.values[0])}`
        : `expected one of ${issue.values.map(String).join('|')}`;
    case 'invalid_type':
      return `expected ${typeNames[issue.expected] ?? issue.expected}`;
    case 'invalid_format':
      return `expected ${formatNames[issue.format] ?? issue.format}`;
    case 'too_small':
      if (issue.origin === 'string') return `expected at least ${String(issue.minimum)} character(s)`;
      if (issue.origin === 'array') return `expected at least ${String(issue.minimum)} item(s)`;
      return `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `expected at most ${String(issue.maximum)} character(s)`;
      if (issue.origin === 'array') return `expected at most ${String(issue.maximum)} item(s)`;
      return `expected at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** Every issue as `{path, message}`; `prefix` names the root (`job`, `items`…). */
export function formatIssues(error: z.ZodError, input: unknown, prefix = ''): FormattedIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path, prefix);
    const got = valueAt(input, issue.path);
    return { path, message: `${path}: ${expectation(issue)}, got ${showValue(got)}` };
  });
}

/** One line for an error message: the first issue, and how many more there are. */
export function summariseIssues(issues: FormattedIssue[]): string {
  const [first, ...rest] = issues;
  if (!first) return 'invalid document';
  return rest.length === 0 ? first.message : `${first.message} (and ${rest.length} more problem(s))`;
}
