import type { Command } from 'commander';
import { verifyLedger } from '../../store/ledger.js';
import { UsageError } from '../output.js';
import { openCommandDatabase, requireMigrated } from './db.js';

/**
 * `en3s audit verify`: walks the whole hash-chained ledger and says whether it is intact.
 * Exit 0 intact, 1 altered (naming the first entry that does not hold), 2 bad input.
 * The chain cannot show a cut tail: the summary prints the last seq and hash so they can be
 * kept elsewhere and compared at the next check.
 */

const count = new Intl.NumberFormat('fr-FR');

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('contrôles du registre');

  audit
    .command('verify')
    .description('vérifie le chaînage et les empreintes de tout le registre')
    .option('--db <url>', 'base de données (sqlite:<fichier> ou postgres://…), celle de la configuration par défaut')
    .option('--batch-size <n>', 'entrées lues par lot', '1000')
    .action(async (options: { db?: string; batchSize: string }) => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
        throw new UsageError(`--batch-size : entier de 1 à 100 000 attendu, reçu « ${options.batchSize} »`);
      }
      const store = await openCommandDatabase(options.db, { create: false });
      try {
        await requireMigrated(store);
        const result = await verifyLedger(store.db, { batchSize });
        if (result.ok) {
          const entries = `${count.format(result.rows)} entrée${result.rows > 1 ? 's' : ''}`;
          const head =
            result.rows === 0
              ? 'registre vide'
              : `dernière empreinte ${result.lastHash} (n° ${count.format(result.lastSeq)})`;
          process.stdout.write(`Registre intact : ${entries}, ${head}.\n`);
        } else {
          process.stdout.write(`Registre altéré à l'entrée n° ${count.format(result.seq)} : ${result.problem}.\n`);
          process.exitCode = 1;
        }
      } finally {
        await store.close();
      }
    });
}
