import { Command, CommanderError } from 'commander';
import { runSandboxServer } from './serve.js';
import { addServeOptions, serveConfigFrom, ServeOptionsError } from './serve-options.js';

/**
 * Standalone entry of the sandbox ATS: `node dist/connectors/talentlink/sandbox/main.js [options]`.
 * Options come from flags or `EN3S_SANDBOX_…` variables (see `--help`). Exit 2 on bad options;
 * stops gracefully on SIGTERM / SIGINT.
 */
async function main(argv: string[]): Promise<void> {
  const program = addServeOptions(new Command('talentlink-sandbox').description('Bac à sable TalentLink (ATS simulé)'))
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv);
    const config = serveConfigFrom(program.opts(), process.env);
    const running = await runSandboxServer(config);
    await running.stopped;
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (error instanceof ServeOptionsError || error instanceof RangeError) {
      process.stderr.write(`talentlink-sandbox : ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`talentlink-sandbox : erreur interne : ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 70;
  }
}

void main(process.argv);
