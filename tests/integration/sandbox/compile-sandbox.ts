import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The sandbox transpiled from the current sources into a temporary folder, so a test can start
 * `main.js` as a separate process (as `node dist/connectors/talentlink/sandbox/main.js` runs it)
 * without depending on a stale `dist/`. The folder links the project's node_modules.
 */

const root = fileURLToPath(new URL('../../..', import.meta.url));

export function compileSandbox(): { main: string; cleanup(): void } {
  const out = mkdtempSync(join(tmpdir(), 'en3s-sandbox-js-'));
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');
  const sources = [join(root, 'connectors', 'talentlink', 'job-document.ts'), ...readdirSync(join(root, 'connectors', 'talentlink', 'sandbox')).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'connectors', 'talentlink', 'sandbox', f))];
  for (const file of sources) {
    const { outputText, diagnostics } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      reportDiagnostics: true,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    if (diagnostics?.length) throw new Error(`cannot transpile ${relative(root, file)}: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`);
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return { main: join(out, 'connectors', 'talentlink', 'sandbox', 'main.js'), cleanup: () => rmSync(out, { recursive: true, force: true }) };
}
