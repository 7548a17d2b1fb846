import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { sha256Hex } from '../../admin/access-config.js';
import { USER_NAME } from '../../admin/auth.js';
import { DEFAULT_COST, hashPassword, passwordProblem } from '../../admin/passwords.js';
import { UsageError } from '../output.js';

/**
 * `en3s admin hash-password`: reads a password on standard input (typed without echo on a
 * terminal, or piped) and prints its bcrypt hash, for `EN3S_ADMIN_USERS=name:hash`. The
 * password never appears in the command line, the shell history or the process list.
 * `en3s admin new-token <name>`: draws an API token, prints it once, and the line to configure
 * (`EN3S_ADMIN_API_TOKENS=name:sha256`); only the hash is ever configured.
 */

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One password, one line: the trailing newline of `echo` or a file is not part of it.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    let value = '';
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('saisie interrompue'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readPiped();
  const first = await readHidden('Mot de passe : ');
  const second = await readHidden('Mot de passe (confirmation) : ');
  if (first !== second) throw new UsageError('les deux saisies diffèrent');
  return first;
}

export function registerAdmin(program: Command): void {
  const admin = program.command('admin').description('accès des administrateurs au tableau de bord et à l’API');

  admin
    .command('hash-password')
    .description('lit un mot de passe sur l’entrée standard et affiche son empreinte bcrypt (pour EN3S_ADMIN_USERS)')
    .option('--cost <n>', 'coût bcrypt (10 à 15)', String(DEFAULT_COST))
    .action(async (options: { cost: string }) => {
      const cost = Number(options.cost);
      if (!Number.isInteger(cost) || cost < 10 || cost > 15)
        throw new UsageError(`--cost : entier de 10 à 15 attendu, reçu « ${options.cost} »`);
      const password = await readPassword();
      const problem = passwordProblem(password);
      if (problem) throw new UsageError(problem);
      process.stdout.write(`${await hashPassword(password, cost)}\n`);
    });

  admin
    .command('new-token')
    .description('crée un jeton d’API pour un script ; affiche le jeton (une seule fois) et la ligne de configuration')
    .argument('<nom>', 'nom du jeton, inscrit au registre pour chaque action faite avec lui (ex. script-nuit)')
    .action((name: string) => {
      if (!USER_NAME.test(name))
        throw new UsageError(
          `nom du jeton : 1 à 64 lettres, chiffres ou . _ @ - attendus, reçu « ${name.slice(0, 80)} »`,
        );
      const token = randomBytes(32).toString('base64url');
      process.stdout.write(`Jeton (à conserver, il ne sera plus affiché) : ${token}\n`);
      process.stdout.write(`À ajouter à EN3S_ADMIN_API_TOKENS : ${name}:${sha256Hex(token)}\n`);
    });
}
