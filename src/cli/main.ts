import { Command, CommanderError, Help, type HelpConfiguration } from 'commander';
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

/** French for the messages commander writes itself (its own texts are English). */
const frenchErrors: [RegExp, string][] = [
  [/^error: unknown command '(.*?)'/, 'commande inconnue « $1 »'],
  [/^error: unknown option '(.*?)'/, 'option inconnue « $1 »'],
  [/^error: missing required argument '(.*?)'/, 'argument obligatoire manquant : $1'],
  [/^error: option '(.*?)' argument missing/, "l'option $1 attend une valeur"],
  [/^error: option '(.*?)' argument '(.*?)' is invalid\./, "l'option $1 n'accepte pas « $2 » :"],
  [/^error: required option '(.*?)' not specified/, "l'option obligatoire $1 manque"],
  [
    /^error: command-argument value '(.*?)' is invalid for argument '(.*?)'\./,
    "la valeur « $1 » n'est pas acceptée pour l'argument $2 :",
  ],
  [/^error: (.*?) cannot be used with (.*)/, '$1 ne peut pas être donné avec $2'],
  [
    /^error: too many arguments for '(.*?)'\. Expected (\d+) arguments? but got (\d+)\./,
    "trop d'arguments pour « $1 » : $2 attendu(s), $3 donné(s)",
  ],
  [
    /^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\./,
    "trop d'arguments : $1 attendu(s), $2 donné(s)",
  ],
];
const suggestion = /\(Did you mean (.*?)\?\)/g;

function translate(text: string): string {
  const french = text.replace(suggestion, '(vouliez-vous dire $1 ?)');
  for (const [pattern, replacement] of frenchErrors) {
    if (pattern.test(french)) return `en3s : ${french.replace(pattern, replacement)}`;
  }
  return french;
}

/** The headings and notes of commander's help, in French. */
const helpTitles: Record<string, string> = {
  'Usage:': 'Utilisation :',
  'Arguments:': 'Arguments :',
  'Options:': 'Options :',
  'Global Options:': 'Options globales :',
  'Commands:': 'Commandes :',
};
const helpNotes: [RegExp, string][] = [
  [/\(default: /g, '(par défaut : '],
  [/\bdefault: /g, 'par défaut : '],
  [/\bchoices: /g, 'valeurs possibles : '],
  [/\bpreset: /g, 'valeur sans argument : '],
  [/\benv: /g, "variable d'environnement : "],
];
const frenchNotes = (text: string) => helpNotes.reduce((out, [pattern, french]) => out.replace(pattern, french), text);

const frenchHelp: HelpConfiguration = {
  styleTitle: (title) => helpTitles[title] ?? title,
  styleUsage: (usage) => usage.replace(/\[command\]/g, '[commande]'),
  optionDescription(this: Help, option) {
    return frenchNotes(Help.prototype.optionDescription.call(this, option));
  },
  argumentDescription(this: Help, argument) {
    return frenchNotes(Help.prototype.argumentDescription.call(this, argument));
  },
};

export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('en3s')
    .description("Connecteur EN3S : période EN3S sur la Bourse des emplois de l'Ucanss")
    .helpOption('-h, --help', "affiche l'aide")
    .helpCommand('help [commande]', "affiche l'aide d'une commande")
    .configureHelp(frenchHelp)
    .showHelpAfterError("(en3s --help pour l'aide)")
    .exitOverride()
    .configureOutput({
      writeErr: (text) => process.stderr.write(translate(text)),
      outputError: (text, write) => write(translate(text)),
    });
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
