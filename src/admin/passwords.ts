import bcrypt from 'bcryptjs';
import { BcryptThreads } from './password-threads.js';

/**
 * Password checks against the configured bcrypt hashes, on worker threads (`threads` of them):
 * never on the event loop. An unknown user name costs the same bcrypt work as a known one (a
 * dummy hash of the same cost), so the answer time does not tell which names exist.
 */

/** bcrypt reads at most 72 bytes: longer passwords would be silently cut, so they are refused. */
export const MAX_PASSWORD_BYTES = 72;
export const MIN_PASSWORD_LENGTH = 12;
export const DEFAULT_COST = 12;

export class PasswordChecker {
  private dummy: Promise<string> | null = null;
  private readonly bcrypt: BcryptThreads;

  constructor(
    private readonly users: ReadonlyMap<string, string>,
    threads = 1,
  ) {
    this.bcrypt = new BcryptThreads(threads);
  }

  private dummyHash(): Promise<string> {
    const first = this.users.values().next().value;
    const cost = first ? bcrypt.getRounds(first) : 10;
    this.dummy ??= this.bcrypt.hash('mot de passe factice, jamais accepté', cost);
    return this.dummy;
  }

  /** True only for a configured user whose hash matches. */
  async check(user: string, password: string): Promise<boolean> {
    const hash = this.users.get(user);
    if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES || password.length === 0) {
      await this.bcrypt.compare('x', hash ?? (await this.dummyHash()));
      return false;
    }
    if (!hash) {
      await this.bcrypt.compare(password, await this.dummyHash());
      return false;
    }
    return this.bcrypt.compare(password, hash);
  }

  close(): Promise<void> {
    return this.bcrypt.close();
  }
}

/** What `en3s admin hash-password` checks before hashing; null when acceptable, else the French problem. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return `mot de passe trop court : ${MIN_PASSWORD_LENGTH} caractères au moins`;
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    return `mot de passe trop long : ${MAX_PASSWORD_BYTES} octets au plus (limite de bcrypt)`;
  return null;
}

export function hashPassword(password: string, cost = DEFAULT_COST): Promise<string> {
  return bcrypt.hash(password, cost);
}
