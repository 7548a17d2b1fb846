import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { readings } from '../../domain/readings.js';
import { loadDomainData } from '../../mappings/load.js';
import { MappingError } from '../../mappings/yaml-file.js';
import { UsageError } from '../output.js';

/**
 * `en3s rulesets`: the legal texts, their dates and what they cover, for administrators;
 * `--readings`: every reading of the texts the engine can make, for a jurist to review.
 */

const frDate = (iso: string) => DateTime.fromISO(iso).toFormat('dd/LL/yyyy');
const pad2 = (n: number) => String(n).padStart(2, '0');

function readingsText(): string {
  const lines = [
    `Lectures des textes faites par le moteur (${readings.length}) : ce que les textes ne ` +
      `disent pas et que les décisions appliquent.`,
    'Une décision qui repose sur l’une d’elles le dit dans son motif (« lecture : … »).',
    '',
  ];
  for (const r of readings) {
    lines.push(`${r.code} — ${r.title}`);
    lines.push(`  Lecture : ${r.reading}`);
    lines.push(`  Repose sur : ${r.restsOn}`);
    lines.push(`  Où : ${r.usedIn}`);
    lines.push(`  Textes : ${r.ruleSets.join(', ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function registerRulesets(program: Command): void {
  program
    .command('rulesets')
    .description('les textes appliqués, leurs dates et ce qu’ils couvrent')
    .option('--json', 'sortie JSON (les fichiers tels que chargés)')
    .option('--readings', 'les lectures des textes que le moteur peut faire, pour revue par un juriste')
    .action((options: { json?: boolean; readings?: boolean }) => {
      if (options.readings) {
        process.stdout.write(options.json ? `${JSON.stringify(readings, null, 2)}\n` : readingsText());
        return;
      }
      let data: ReturnType<typeof loadDomainData>;
      try {
        data = loadDomainData();
      } catch (error) {
        if (error instanceof MappingError)
          throw new UsageError(`fichiers de règles invalides :\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
        throw error;
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(data.ruleSetFiles, null, 2)}\n`);
        return;
      }
      const lines: string[] = [];
      for (const rs of data.ruleSetFiles) {
        // A text known only through another document is cited through that document's sections.
        const where = (section: string) => (rs.citedThrough ? `${rs.citedThrough} ${section}` : section);
        const to = rs.inForce.to ? `au ${frDate(rs.inForce.to)}` : "jusqu'à nouvel ordre";
        lines.push(`${rs.citation} — en vigueur du ${frDate(rs.inForce.from)} ${to}`);
        lines.push(`  ${rs.title.replace(/\s+/g, ' ')}`);
        lines.push(
          `  Période : du ${pad2(rs.window.from.day)}/${pad2(rs.window.from.month)} au ` +
            `${pad2(rs.window.to.day)}/${pad2(rs.window.to.month)} ` +
            `de chaque année, à l'heure légale de l'organisme (${where(rs.window.section)})`,
        );
        for (const regime of rs.regimes) {
          lines.push(`  • ${regime.label} : ${regime.criterion.scopeLabel} (${where(regime.section)})`);
          lines.push(`      organismes : ${regime.bodies.join(', ')}`);
        }
        for (const ex of rs.exclusions)
          lines.push(
            `  Jamais concernées : ${ex.message} (${ex.source ?? where(ex.section ?? '')}` +
              `${ex.reading ? ' ; lecture, voir --readings' : ''})`,
          );
        for (const removed of rs.removedBodies)
          lines.push(`  Supprimés : ${removed.bodies.join(', ')} — ${removed.message} (${where(removed.section)})`);
        lines.push('');
      }
      process.stdout.write(lines.join('\n'));
    });
}
