import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of the code, lowest first. A module may import from its own layer and from lower
 * ones, never from a higher one: a lower layer that leans up cannot be understood, tested or
 * changed without what sits on it, and the cycles that follow make start-up order fragile.
 *
 * - base: the domain's pure rules and the small shapes everything shares (configuration, paths,
 *   clock, logger, HTML escaping); they know nothing of databases or the outside.
 * - mappings: the domain data read from files (organisms, rulesets), on top of the domain.
 * - store, connectors: the two ways out, the database and the ATS behind its port.
 * - reports: read the store and render; they do not drive the pipeline.
 * - pipeline: applies events and commands with the store, the ATS port and the reports'
 *   projection.
 * - mail: follows up recruiters from what the pipeline decided.
 * - ingest, admin, service: the entry points that wire the layers below.
 * - cli, docs: the commands and the README generator, on top of everything.
 */
const layers: string[][] = [
  ['domain', 'config', 'paths', 'clock', 'logger', 'html-escape'],
  ['mappings'],
  ['store', 'connectors'],
  ['reports'],
  ['pipeline'],
  ['mail'],
  ['ingest', 'admin', 'service'],
  ['cli', 'docs'],
];

const root = normalize(join(import.meta.dirname, '..', '..', '..'));

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The part of the code a file belongs to: `src/<folder>`, `src/<file>` or `connectors`. */
function partOf(file: string): string {
  const parts = file.split('/');
  if (parts[0] === 'connectors') return 'connectors';
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/, '');
}

function layerOf(part: string): number {
  const index = layers.findIndex((layer) => layer.includes(part));
  if (index < 0) throw new Error(`${part}: not in any layer of tests/unit/architecture/layers.test.ts`);
  return index;
}

/** Relative imports (static, type-only, dynamic and re-exports) of a file, as files under the root. */
function importsOf(file: string, text: string): string[] {
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((i) => i.fileName)
    .filter((name) => name.startsWith('.'))
    .map((name) => relative(root, join(root, dirname(file), name)).replace(/\.js$/, '.ts'));
}

/** Every import from a higher layer, as `file → imported (from layer → to layer)`. */
function upwardImports(files: { file: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { file, text } of files) {
    const from = partOf(file);
    for (const target of importsOf(file, text)) {
      const to = partOf(target);
      if (layerOf(to) > layerOf(from)) found.push(`${file} → ${target} (${from} → ${to})`);
    }
  }
  return found;
}

describe('layers', () => {
  const files = [...sources('src'), ...sources('connectors')];

  it('every part of src/ and connectors/ has a layer', () => {
    for (const file of files) expect(() => layerOf(partOf(file)), file).not.toThrow();
  });

  it('no file imports from a higher layer', () => {
    expect(upwardImports(files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') })))).toEqual([]);
  });

  it('finds an upward import: the reports taking their clock from the pipeline', () => {
    const text = "import type { Clock } from '../pipeline/context.js';\nexport const x = 1;\n";
    expect(upwardImports([{ file: 'src/reports/options.ts', text }])).toEqual([
      'src/reports/options.ts → src/pipeline/context.ts (reports → pipeline)',
    ]);
  });

  it('finds dynamic imports and re-exports too', () => {
    const text = "export { x } from '../../admin/html.js';\nconst m = await import('../../cli/main.js');\n";
    expect(upwardImports([{ file: 'src/store/migrations/9999_example.ts', text }])).toHaveLength(2);
  });
});
