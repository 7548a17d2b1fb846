/** Shared helpers of the CLI: bad input is a `UsageError` (exit 2, message on stderr, no stack). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function writeError(message: string): void {
  process.stderr.write(`en3s : ${message}\n`);
}

export function writeJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
