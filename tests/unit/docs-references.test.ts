import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';

/**
 * Every reference a comment or a page makes points at something in the repository: a page of
 * `docs/` that exists, a section (`#anchor` or `§n`) that the page has, an `npm run` script that
 * `package.json` defines, an `en3s` sub-command that the CLI registers. Notes kept outside the
 * repository cannot be cited: a newcomer could not read them.
 */

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const scanned = ['src', 'connectors', 'tests', 'bin', 'mappings', 'docs', '.ci'];
const skipped = new Set(['node_modules', 'dist', 'test-results', 'test-artifacts']);
const textFile = /\.(ts|js|mjs|md|ya?ml|sh)$|^run$/;
const self = 'tests/unit/docs-references.test.ts';

/** What a page offers to be cited by: its heading anchors and its numbered sections. */
interface Page {
  anchors: Set<string>;
  sections: Set<string>;
}

/** The anchor a Markdown heading gets, as GitHub makes it (lower case, punctuation dropped, spaces to hyphens). */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function pageOf(markdown: string): Page {
  const anchors = new Set<string>();
  const sections = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (!heading) continue;
    anchors.add(slug(heading[1]!));
    const numbered = /^(\d+(?:\.\d+)*)\.?\s/.exec(heading[1]!);
    if (numbered) sections.add(numbered[1]!);
  }
  return { anchors, sections };
}

interface Repository {
  /** A page by its path from the repository's root, or undefined when the repository has no such file. */
  page(path: string): Page | undefined;
  scripts: Set<string>;
  /** Each `en3s` command and its sub-commands (empty when it takes none). */
  commands: Map<string, Set<string>>;
}

const outside =
  /\b(DOMAIN\.md|ARCHITECTURE\.md|spec §\d|spec\/talentlink[\w./-]*|talentlink-style-api\.md|evidence\.md)/g;
const docReference = /\bdocs\/([\w-]+\.md)(#[\w-]+)?((?: §\d+(?:\.\d+)*(?:\s*(?:–|-|,|and|et)\s*§\d+(?:\.\d+)*)*))?/g;
const markdownLink = /\]\(((?:\.\.?\/)*[\w./-]*\.md)(#[\w-]+)?\)/g;
const npmRun = /\bnpm run ([\w:-]+)/g;
const en3sCommand = /(?:`|^\s*\$?\s*|\bbin\/en3s\.js )en3s ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?/gm;

/** The broken references of one file, each as `file:line: what is wrong`. */
function brokenReferences(file: string, text: string, repo: Repository): string[] {
  const problems: string[] = [];
  const lines = text.split('\n');
  const directory = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '.';
  const checkPage = (where: string, path: string, anchor: string | undefined, sections: string[]) => {
    const page = repo.page(path);
    if (!page) {
      problems.push(`${where}: ${path} is not in the repository`);
      return;
    }
    if (anchor && !page.anchors.has(anchor.slice(1))) problems.push(`${where}: ${path} has no heading ${anchor}`);
    for (const section of sections) {
      if (!page.sections.has(section)) problems.push(`${where}: ${path} has no section §${section}`);
    }
  };
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    for (const m of line.matchAll(outside)) {
      problems.push(`${where}: cites ${m[1]}, which is not in the repository (cite a page of docs/)`);
    }
    for (const m of line.matchAll(docReference)) {
      const sections = [...(m[3] ?? '').matchAll(/§(\d+(?:\.\d+)*)/g)].map((s) => s[1]!);
      checkPage(where, `docs/${m[1]}`, m[2], sections);
    }
    if (file.endsWith('.md')) {
      for (const m of line.matchAll(markdownLink)) {
        if (/^[a-z]+:/.test(m[1]!)) continue;
        checkPage(where, relative(root, resolve(root, directory, m[1]!)).replaceAll('\\', '/'), m[2], []);
      }
    }
    for (const m of line.matchAll(npmRun)) {
      if (!repo.scripts.has(m[1]!)) problems.push(`${where}: npm run ${m[1]}: package.json has no such script`);
    }
    for (const m of line.matchAll(en3sCommand)) {
      const subcommands = repo.commands.get(m[1]!);
      if (!subcommands) problems.push(`${where}: en3s ${m[1]}: the CLI has no such command`);
      else if (m[2] && subcommands.size > 0 && !subcommands.has(m[2])) {
        problems.push(`${where}: en3s ${m[1]} ${m[2]}: the CLI has no such sub-command`);
      }
    }
  });
  return problems;
}

function filesUnder(directory: string): string[] {
  return readdirSync(join(root, directory), { withFileTypes: true }).flatMap((entry) => {
    const path = `${directory}/${entry.name}`;
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : filesUnder(path);
    return textFile.test(entry.name) ? [path] : [];
  });
}

async function theRepository(): Promise<Repository> {
  const pages = new Map<string, Page | undefined>();
  const exists = (path: string) => {
    try {
      return statSync(join(root, path)).isFile();
    } catch {
      return false;
    }
  };
  const program = await buildProgram(['node', 'en3s']);
  const commands = new Map(
    program.commands.map((c) => [c.name(), new Set(c.commands.map((s) => s.name()).filter((n) => n !== 'help'))]),
  );
  const scripts = new Set(Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts));
  return {
    scripts,
    commands,
    page(path) {
      if (!pages.has(path)) pages.set(path, exists(path) ? pageOf(readFileSync(join(root, path), 'utf8')) : undefined);
      return pages.get(path);
    },
  };
}

describe('references to documentation', () => {
  it('every reference in the sources and the pages points at something in the repository', async () => {
    const repo = await theRepository();
    const rootPages = readdirSync(root).filter((name) => name.endsWith('.md'));
    const files = [...scanned.flatMap(filesUnder), ...rootPages].filter((file) => file !== self);
    expect(files.length).toBeGreaterThan(300);
    const problems = files.flatMap((file) => brokenReferences(file, readFileSync(join(root, file), 'utf8'), repo));
    expect(problems).toEqual([]);
  });

  it('the documentation pages the comments cite are linked from the README', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const page of ['docs/domain.md', 'docs/talentlink.md', 'docs/glossary.md']) {
      expect(readme).toContain(`](${page})`);
    }
  });

  describe('the check itself', () => {
    const page = pageOf('# Title\n\n## 1. Access\n\n### Legal time of the window\n\n```\n# not a heading\n```\n');
    const repo: Repository = {
      page: (path) => (path === 'docs/a.md' ? page : undefined),
      scripts: new Set(['build']),
      commands: new Map([
        ['db', new Set(['migrate'])],
        ['report', new Set<string>()],
      ]),
    };
    const check = (line: string) => brokenReferences('src/x.ts', ` * ${line}`, repo);

    it('accepts a page, its anchors, its sections, a script and a command that exist', () => {
      expect(check('see docs/a.md#legal-time-of-the-window and docs/a.md §1')).toEqual([]);
      expect(check('`npm run build`, `en3s db migrate`, `en3s report recap`')).toEqual([]);
    });

    it('refuses notes kept outside the repository', () => {
      expect(check('(DOMAIN.md: the window)')).toHaveLength(1);
      expect(check('as ARCHITECTURE.md says')).toHaveLength(1);
      expect(check('the queues (spec §5)')).toHaveLength(1);
    });

    it('refuses a page that does not exist, a heading or a section it lacks', () => {
      expect(check('docs/b.md')).toEqual(['src/x.ts:1: docs/b.md is not in the repository']);
      expect(check('docs/a.md#not-a-heading')).toEqual(['src/x.ts:1: docs/a.md has no heading #not-a-heading']);
      expect(check('docs/a.md §1–§2')).toEqual(['src/x.ts:1: docs/a.md has no section §2']);
    });

    it('refuses a script package.json lacks and a command the CLI lacks', () => {
      expect(check('`npm run docs:config`')).toEqual([
        'src/x.ts:1: npm run docs:config: package.json has no such script',
      ]);
      expect(check('`en3s db shrink`')).toEqual(['src/x.ts:1: en3s db shrink: the CLI has no such sub-command']);
      expect(check('`en3s backup`')).toEqual(['src/x.ts:1: en3s backup: the CLI has no such command']);
    });

    it('reads a Markdown link relative to the page it is in', () => {
      expect(brokenReferences('docs/y.md', 'see [the page](a.md#legal-time-of-the-window)', repo)).toEqual([]);
      expect(brokenReferences('docs/y.md', 'see [the page](../a.md)', repo)).toEqual([
        'docs/y.md:1: a.md is not in the repository',
      ]);
    });
  });
});
