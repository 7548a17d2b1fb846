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
  if (value === undefined) return 'rien';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'une liste';
  return 'un objet';
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = root;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

const typeNames: Record<string, string> = {
  int: 'un nombre entier',
  number: 'un nombre',
  string: 'un texte',
  boolean: 'true ou false',
  object: 'un objet',
  array: 'une liste',
};

const formatNames: Record<string, string> = {
  datetime: 'un instant ISO 8601 avec son décalage ou Z',
  date: 'une date AAAA-MM-JJ',
};

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return issue.values.length === 1
        ? `attendu ${String(issue.values[0])}`
        : `attendu l’une des valeurs ${issue.values.map(String).join('|')}`;
    case 'invalid_type':
      return `attendu ${typeNames[issue.expected] ?? issue.expected}`;
    case 'invalid_format':
      return `attendu ${formatNames[issue.format] ?? issue.format}`;
    case 'too_small':
      if (issue.origin === 'string') return `attendu au moins ${String(issue.minimum)} caractère(s)`;
      if (issue.origin === 'array') return `attendu au moins ${String(issue.minimum)} élément(s)`;
      return `attendu au moins ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string') return `attendu au plus ${String(issue.maximum)} caractère(s)`;
      if (issue.origin === 'array') return `attendu au plus ${String(issue.maximum)} élément(s)`;
      return `attendu au plus ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** Every issue as `{path, message}`; `prefix` names the root (`job`, `items`…). */
export function formatIssues(error: z.ZodError, input: unknown, prefix = ''): FormattedIssue[] {
  return error.issues.map((issue) => {
    const path = formatPath(issue.path, prefix);
    const got = valueAt(input, issue.path);
    return { path, message: `${path} : ${expectation(issue)}, reçu ${showValue(got)}` };
  });
}

/** One line for an error message: the first issue, and how many more there are. */
export function summariseIssues(issues: FormattedIssue[]): string {
  const [first, ...rest] = issues;
  if (!first) return 'document invalide';
  return rest.length === 0 ? first.message : `${first.message} (et ${rest.length} autre(s) problème(s))`;
}
