import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createJobFactsReader } from '../../../connectors/registry.js';
import { evaluate } from '../../domain/eligibility.js';
import { loadDomainData } from '../../mappings/load.js';
import { MappingError } from '../../mappings/yaml-file.js';
import { UsageError, writeError } from '../output.js';

/**
 * `en3s evaluate [--at <instant>] [--ndjson] <file|->`: the decision for job documents, as JSON.
 * Accepts a job of the real TalentLink API (`OpeningFullDto`, JSON, bare or as a `GET /position`
 * answer), or a document of the earlier format: a JSON job, the XML `<job>` element, or a whole
 * notification (XML or JSON).
 */

export function parseInstant(text: string | undefined, option: string): Date {
  if (text === undefined) return new Date();
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${option} : instant ISO 8601 attendu (ex. 2027-02-01T10:00:00+01:00), reçu « ${text} »`);
  return new Date(ms);
}

function readInput(path: string): { text: string; name: string } {
  try {
    return path === '-' ? { text: readFileSync(0, 'utf8'), name: 'entrée standard' } : { text: readFileSync(path, 'utf8'), name: path };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${path} : fichier illisible (${code === 'ENOENT' ? 'introuvable' : code ?? String(error)})`);
  }
}

function loadData() {
  try {
    const domain = loadDomainData();
    return { domain, read: createJobFactsReader(domain.organisms) };
  } catch (error) {
    if (error instanceof MappingError) throw new UsageError(`fichiers de règles invalides :\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
    throw error;
  }
}

function where(name: string, line: number | undefined, column: number | undefined, path: string | undefined): string {
  return [name, line, column].filter((x) => x !== undefined).join(':') + (path ? ` > ${path}` : '');
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description("décision d'éligibilité à la période EN3S pour une offre (job de l'API TalentLink en JSON, ou document de l'ancien format : JSON, XML <job> ou notification)")
    .argument('<fichier>', 'le document, ou - pour l’entrée standard')
    .option('--at <instant>', 'instant de la décision (ISO 8601), maintenant par défaut')
    .option('--ndjson', 'un document JSON par ligne en entrée, une décision par ligne en sortie')
    .action((file: string, options: { at?: string; ndjson?: boolean }) => {
      const instant = parseInstant(options.at, '--at');
      const { text, name } = readInput(file);
      const { domain, read } = loadData();
      const decide = (input: string, lineNumber?: number) => {
        const parsed = read(input, options.ndjson ? 'json' : 'auto', instant);
        if (!parsed.ok) {
          const w = parsed.error.where;
          return { ok: false as const, message: `${where(name, lineNumber ?? w?.line, lineNumber ? undefined : w?.column, w?.path)} : ${parsed.error.message}` };
        }
        const offer = parsed.offer;
        const decision = evaluate(offer, instant, domain.ruleSets);
        return { ok: true as const, value: { job: { id: offer.atsId, jobNumber: offer.jobNumber, organization: offer.organization.name || offer.organization.code }, at: instant.toISOString(), ...decision } };
      };
      if (!options.ndjson) {
        const result = decide(text);
        if (!result.ok) throw new UsageError(result.message);
        process.stdout.write(`${JSON.stringify(result.value, null, 2)}\n`);
        return;
      }
      let bad = 0;
      const out: string[] = [];
      text.split('\n').forEach((line, index) => {
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
