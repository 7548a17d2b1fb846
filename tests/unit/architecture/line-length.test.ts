import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Lines of code hold at most 120 characters. The formatter lays code out within that width but
 * leaves string literals, templates and comments as they are written; this check covers them too.
 * Characters are counted, not bytes: a French message is not penalised for its accents.
 */
const MAX = 120;
const root = normalize(join(import.meta.dirname, '..', '..', '..'));
const folders = ['src', 'connectors', 'tests', 'bin', 'scripts'];
const code = /\.(ts|js|mjs|cjs)$/;

function files(folder: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : files(path);
    return code.test(entry.name) ? [path] : [];
  });
}

describe('line length', () => {
  it(`no line of code is longer than ${MAX} characters`, () => {
    const all = folders.flatMap(files);
    expect(all.length).toBeGreaterThan(100);
    const long = all.flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, i) => ([...line].length > MAX ? [`${file}:${i + 1} (${[...line].length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});
