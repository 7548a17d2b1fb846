import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { packageRoot } from '../paths.js';

/**
 * Reads one YAML data file and validates it with its zod schema. Every problem is reported as
 * `file:line > path.inside: what was expected`, so an administrator editing the file by hand
 * finds the line at once.
 */

export class MappingError extends Error {
  override readonly name = 'MappingError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

function displayPath(file: string): string {
  const rel = relative(packageRoot(), file);
  return rel.startsWith('..') ? file : rel;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)),
    '',
  );
}

export type YamlResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export function readYamlFile<S extends z.ZodType>(file: string, schema: S): YamlResult<z.output<S>> {
  const shown = displayPath(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return {
      ok: false,
      problems: [`${shown} : fichier illisible (${(error as NodeJS.ErrnoException).code ?? String(error)})`],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map(
        (e) => `${shown}:${lineCounter.linePos(e.pos[0]).line} > YAML invalide : ${e.message.split('\n')[0]}`,
      ),
    };
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => {
      const path = issue.path as PropertyKey[];
      // Point at the deepest node that exists: a missing key is reported on its parent's line.
      let line: number | undefined;
      for (let depth = path.length; depth >= 0 && line === undefined; depth--) {
        const node = doc.getIn(path.slice(0, depth) as unknown[], true) as
          | { range?: [number, number, number] }
          | undefined;
        if (node && typeof node === 'object' && node.range) line = lineCounter.linePos(node.range[0]).line;
      }
      return `${shown}${line ? `:${line}` : ''} > ${formatPath(path) || '(racine)'} : ${issue.message}`;
    }),
  };
}
