import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { packageRoot } from '../../src/paths.js';

/**
 * The project's sources (src, connectors, tests/support), transpiled into a temporary folder
 * for tests that run the pipeline in child processes: Node cannot run TypeScript, and a `dist/`
 * left from an earlier build would test stale code. Transpiling (no type check) takes about a
 * second.
 */
export interface CompiledProject {
  /** Root of the compiled tree: `<dir>/src/…`, `<dir>/connectors/…`, `<dir>/tests/support/…`. */
  dir: string;
  cleanup(): void;
}

const folders = ['src', 'connectors', join('tests', 'support')];

export function compileProject(): CompiledProject {
  const root = packageRoot();
  // Under the project's node_modules: packages resolve as they do for the sources, and the
  // project root (mappings/) is found above the compiled modules as it is above the sources.
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'en3s-build-'));
  // Inside node_modules, Node does not look above for the package type: say it here.
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const folder of folders) {
    for (const file of listTs(join(root, folder))) {
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
      const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
  }
  return { dir: out, cleanup: () => rmSync(out, { recursive: true, force: true }) };
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.ts')
      ? [path]
      : [];
  });
}
