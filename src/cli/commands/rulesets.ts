import type { Command } from 'commander';
import { DateTime } from 'luxon';
import { loadDomainData } from '../../mappings/load.js';
import { MappingError } from '../../mappings/yaml-file.js';
import { UsageError } from '../output.js';

/** `en3s rulesets`: the legal texts, their dates and what they cover, for administrators. */

const frDate = (iso: string) => DateTime.fromISO(iso).toFormat('dd/LL/yyyy');
const pad2 = (n: number) => String(n).padStart(2, '0');


export function registerRulesets(program: Command): void {
  program
    .command('rulesets')
    .description('les textes appliqués, leurs dates et ce qu’ils couvrent')
    .option('--json', 'sortie JSON (les fichiers tels que chargés)')
    .action((options: { json?: boolean }) => {
      let data;
      try {
        data = loadDomainData();
      } catch (error) {
        if (error instanceof MappingError) throw new UsageError(`fichiers de règles invalides :\n${error.problems.map((p) => `  - ${p}`).join('\n')}`);
        throw error;
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(data.ruleSetFiles, null, 2)}\n`);
        return;
      }
      const lines: string[] = [];
      for (const rs of data.ruleSetFiles) {
        const to = rs.inForce.to ? `au ${frDate(rs.inForce.to)}` : "jusqu'à nouvel ordre";
        lines.push(`${rs.citation} — en vigueur du ${frDate(rs.inForce.from)} ${to}`);
        lines.push(`  ${rs.title.replace(/\s+/g, ' ')}`);
        lines.push(
          `  Période : du ${pad2(rs.window.from.day)}/${pad2(rs.window.from.month)} au ${pad2(rs.window.to.day)}/${pad2(rs.window.to.month)} de chaque année, à l'heure légale de l'organisme (${rs.window.section})`,
        );
        for (const regime of rs.regimes) {
          lines.push(`  • ${regime.label} : ${regime.criterion.scopeLabel} (${regime.section})`);
          lines.push(`      organismes : ${regime.bodies.join(', ')}`);
        }
        for (const ex of rs.exclusions) lines.push(`  Jamais concernées : ${ex.message} (${ex.section})`);
        for (const removed of rs.removedBodies) lines.push(`  Supprimés : ${removed.bodies.join(', ')} — ${removed.message} (${removed.section})`);
        lines.push('');
      }
      process.stdout.write(lines.join('\n'));
    });
}
