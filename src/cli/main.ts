import { Command, CommanderError } from 'commander';
import { UsageError, writeError } from './output.js';
/**
 * The `en3s` command. Each sub-command lives in `commands/<name>.ts` and exports a
 * `register…(program)` function; add it to the list below.
 * Exit codes: 0 success, 1 a check failed (e.g. `audit verify`), 2 bad input, 70 internal error.
 */
type Register = (program: Command) => void;

/**
 * Sub-commands, loaded only when used so that `en3s evaluate` does not load the web server,
 * the report writers or the sandbox. Add a line per command module.
 */
const commands: Record<string, () => Promise<Register>> = {
  evaluate: async () => (await import('./commands/evaluate.js')).registerEvaluate,
  rulesets: async () => (await import('./commands/rulesets.js')).registerRulesets,
  sandbox: async () => (await import('./commands/sandbox.js')).registerSandbox,
  db: async () => (await import('./commands/db.js')).registerDb,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  admin: async () => (await import('./commands/admin.js')).registerAdmin,
  outbox: async () => (await import('./commands/outbox.js')).registerOutbox,
  serve: async () => (await import('./commands/serve.js')).registerServe,
  demo: async () => (await import('./commands/demo.js')).registerDemo,
  report: async () => (await import('./commands/report.js')).registerReport,
};

/** French for the messages commander writes itself. */
const frenchErrors: [RegExp, string][] = [
  [/^error: unknown command '(.*)'/, 'commande inconnue « $1 »'],
  [/^error: unknown option '(.*)'/, 'option inconnue « $1 »'],
  [/^error: missing required argument '(.*)'/, 'argument obligatoire manquant : $1'],
  [/^error: option '(.*)' argument missing/, "l'option $1 attend une valeur"],
  [/^error: too many arguments(.*)/, "trop d'arguments$1"],
];

function translate(text: string): string {
  for (const [pattern, french] of frenchErrors) if (pattern.test(text)) return `en3s : ${text.replace(pattern, french)}`;
  return text;
}

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('en3s')
    .description("Connecteur EN3S : période EN3S sur la Bourse des emplois de l'Ucanss")
    .helpOption('-h, --help', "affiche l'aide")
    .helpCommand('help [commande]', "affiche l'aide d'une commande")
    .showHelpAfterError("(en3s --help pour l'aide)")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(translate(text)), outputError: (text, write) => write(translate(text)) });
  const requested = argv[2];
  const names = requested && Object.hasOwn(commands, requested) ? [requested] : Object.keys(commands);
  for (const name of names) (await commands[name]!())(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are not errors; everything else commander refuses is bad usage.
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof UsageError) {
    writeError(error.message);
    return 2;
  }
  writeError(`erreur interne : ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.EN3S_DEBUG) process.stderr.write(`${error instanceof Error ? error.stack : ''}\n`);
  return 70;
}
