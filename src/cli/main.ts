import { Command, CommanderError } from 'commander';
import { UsageError, writeError } from './output.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerRulesets } from './commands/rulesets.js';

/**
 * The `en3s` command. Each sub-command lives in `commands/<name>.ts` and exports a
 * `register…(program)` function; add it to the list below.
 * Exit codes: 0 success, 1 a check failed (e.g. `audit verify`), 2 bad input, 70 internal error.
 */
export function buildProgram(): Command {
  const program = new Command('en3s')
    .description("Connecteur EN3S : période EN3S sur la Bourse des emplois de l'Ucanss")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const register of [registerEvaluate, registerRulesets]) register(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
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
