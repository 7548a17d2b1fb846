import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createJobFactsReader } from '../../../connectors/registry.js';
import { evaluate } from '../../domain/eligibility.js';
import { loadDomainData } from '../../mappings/load.js';
import { MappingError } from '../../mappings/yaml-file.js';
import { INSTANT_HELP, parseInstantOption } from '../instants.js';
import { UsageError, writeError } from '../output.js';

/**
 * `en3s evaluate [--at <instant>] [--ndjson] <file|->`: the decision for job documents, as JSON.
 * Accepts a job of the real TalentLink API (`OpeningFullDto`, JSON, bare or as a `GET /position`
 * answer), or a document of the earlier format: a JSON job, the XML `<job>` element, or a whole
 * notification (XML or JSON).
 */

/** The instant of `--at` (see `../instants.ts`: no offset is Paris time), now by default. */
export function parseInstant(text: string | undefined, option: string): Date {
  return parseInstantOption(text, option) ?? new Date();
}

/**
 * `--ndjson` wants one complete JSON document per line. A file that is not ndjson at all (a
 * pretty-printed JSON document or array, XML, CSV…) would otherwise give one error per line, none
 * of them saying what is wrong. The rule: the file is refused as a whole — one message, nothing
 * evaluated, exit 2 — when its first non-empty line is not a complete JSON document, or when more
 * than half of its first NDJSON_SAMPLE non-empty lines are not. Otherwise it is ndjson: every line
 * is evaluated on its own, and a broken line is named on stderr (exit 2) without stopping the others.
 * Only the syntax counts here: a line that is JSON but not a job is a bad document, not a bad format.
 * The sample is read before any decision is written, so the output can still stream.
 */
const NDJSON_SAMPLE = 20;

function isJsonDocument(line: string): boolean {
  try {
    JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
    return true;
  } catch {
    return false;
  }
}

function checkNdjson(lines: string[], name: string): void {
  const sample: { line: number; ok: boolean }[] = [];
  for (let i = 0; i < lines.length && sample.length < NDJSON_SAMPLE; i += 1) {
    if (lines[i]!.trim() !== '') sample.push({ line: i + 1, ok: isJsonDocument(lines[i]!) });
  }
  const bad = sample.filter((s) => !s.ok);
  if (bad.length === 0 || (sample[0]!.ok && bad.length * 2 <= sample.length)) return;
  const first = bad[0]!;
  const text = lines[first.line - 1]!.trim();
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  const why = sample[0]!.ok
    ? `${bad.length} des ${sample.length} premières lignes non vides ne sont pas des documents JSON complets`
    : "la première ligne non vide n'est pas un document JSON complet";
  throw new UsageError(
    `--ndjson : « ${name} » n'est pas au format NDJSON (un document JSON complet par ligne ` +
      `était attendu) : ${why}, arrêt à la ligne ${first.line} (« ${shown} »). ` +
      "Rien n'a été évalué ; pour un seul document (JSON sur plusieurs lignes, XML), lancez la commande sans --ndjson.",
  );
}

function readInput(path: string): { text: string; name: string } {
  try {
    return path === '-'
      ? { text: readFileSync(0, 'utf8'), name: 'entrée standard' }
      : { text: readFileSync(path, 'utf8'), name: path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${path} : fichier illisible (${code === 'ENOENT' ? 'introuvable' : (code ?? String(error))})`,
    );
  }
}

function loadData() {
  try {
    const domain = loadDomainData();
    return { domain, read: createJobFactsReader(domain.organisms) };
  } catch (error) {
    if (error instanceof MappingError)
      throw new UsageError(`fichiers de règles invalides :\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    throw error;
  }
}

function where(name: string, line: number | undefined, column: number | undefined, path: string | undefined): string {
  return [name, line, column].filter((x) => x !== undefined).join(':') + (path ? ` > ${path}` : '');
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description(
      "décision d'éligibilité à la période EN3S pour une offre (job de l'API TalentLink en JSON, " +
        "ou document de l'ancien format : JSON, XML <job> ou notification)",
    )
    .argument('<fichier>', 'le document, ou - pour l’entrée standard')
    .option('--at <instant>', `instant de la décision, maintenant par défaut (${INSTANT_HELP})`)
    .option(
      '--ndjson',
      `un document JSON complet par ligne en entrée, une décision par ligne en sortie ; une ` +
        `ligne invalide est signalée sans arrêter les autres, mais un fichier dont la première ` +
        `ligne non vide, ou plus de la moitié des ${NDJSON_SAMPLE} premières, ne sont pas des ` +
        `documents JSON complets est refusé en entier (ce n'est pas du NDJSON)`,
    )
    .action((file: string, options: { at?: string; ndjson?: boolean }) => {
      const instant = parseInstant(options.at, '--at');
      const { text, name } = readInput(file);
      const { domain, read } = loadData();
      const decide = (input: string, lineNumber?: number) => {
        const parsed = read(input, options.ndjson ? 'json' : 'auto', instant);
        if (!parsed.ok) {
          const w = parsed.error.where;
          return {
            ok: false as const,
            message:
              `${where(name, lineNumber ?? w?.line, lineNumber ? undefined : w?.column, w?.path)} : ` +
              `${parsed.error.message}`,
          };
        }
        const offer = parsed.offer;
        const decision = evaluate(offer, instant, domain.ruleSets);
        return {
          ok: true as const,
          value: {
            job: {
              id: offer.atsId,
              jobNumber: offer.jobNumber,
              organization: offer.organization.name || offer.organization.code,
            },
            at: instant.toISOString(),
            ...decision,
          },
        };
      };
      if (!options.ndjson) {
        const result = decide(text);
        if (!result.ok) throw new UsageError(result.message);
        process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
        return;
      }
      const lines = text.split('\n');
      checkNdjson(lines, name);
      let bad = 0;
      const out: string[] = [];
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        const result = decide(line, index + 1);
        if (result.ok) out.push(JSON.stringify(result.value));
        else {
          bad += 1;
          writeError(result.message);
        }
        if (out.length >= 1000) process.stdout.write(`${out.splice(0).join('\n')}\n`);
      });
      if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
      if (bad > 0) throw new UsageError(`${bad} document(s) refusé(s), voir ci-dessus`);
    });
}
