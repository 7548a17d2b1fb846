import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The store, compiled from the current sources into a temporary folder, for tests that run it in
 * child processes (Node cannot run TypeScript itself). Transpiling `src` file by file takes
 * about a second and never depends on a stale `dist/` or on the rest of the project compiling
 * without errors. The folder links the project's node_modules so kysely, pg and better-sqlite3 resolve.
 */
export interface CompiledStore {
  /** Folder holding `index.js` of the store. */
  dir: string;
  cleanup(): void;
}

const root = fileURLToPath(new URL('../..', import.meta.url));

export function compileStore(): CompiledStore {
  const out = mkdtempSync(join(tmpdir(), 'en3s-store-js-'));
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  // All of `src`, not only `src/store`: a migration may use the code of another layer (the
  // backfill of the report projection uses the reports' own projection function).
  const sourceDir = join(root, 'src');
  for (const file of listTs(sourceDir)) {
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
    });
    if (diagnostics?.length)
      throw new Error(
        `cannot transpile ${relative(root, file)}: ` +
          `${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`,
      );
    const target = join(out, 'src', relative(sourceDir, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return { dir: join(out, 'src', 'store'), cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}
