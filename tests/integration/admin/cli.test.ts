import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { en3s } from '../../support/cli.js';

/** `en3s admin hash-password` and `en3s admin new-token`: what they print is what the configuration accepts. */

describe('en3s admin', () => {
  it('hash-password reads the password on stdin and prints a bcrypt hash the configuration accepts', () => {
    const r = en3s(['admin', 'hash-password', '--cost', '10'], { input: 'un mot de passe assez long\n' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const hash = r.stdout.trim();
    expect(bcrypt.compareSync('un mot de passe assez long', hash)).toBe(true);
    expect(bcrypt.getRounds(hash)).toBe(10);
    expect(loadConfig({ EN3S_ADMIN_USERS: `alice:${hash}` }).adminUsers).toEqual([`alice:${hash}`]);
  });

  it('refuses a short password, one bcrypt would cut, and a bad cost (exit 2, French, nothing on stdout)', () => {
    for (const [args, input, message] of [
      [[], 'court\n', 'trop court'],
      [[], `${'é'.repeat(40)}\n`, 'trop long'],
      [['--cost', '4'], 'un mot de passe assez long\n', '--cost'],
    ] as const) {
      const r = en3s(['admin', 'hash-password', ...args], { input });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
    }
  });

  it('new-token prints a token and the configuration entry holding only its hash', () => {
    const r = en3s(['admin', 'new-token', 'script-nuit']);
    expect(r.code).toBe(0);
    const token = /Jeton \(à conserver[^:]*: (\S+)/.exec(r.stdout)![1]!;
    const entry = /EN3S_ADMIN_API_TOKENS : (\S+)/.exec(r.stdout)![1]!;
    expect(entry).toBe(`script-nuit:${createHash('sha256').update(token).digest('hex')}`);
    expect(loadConfig({ EN3S_ADMIN_API_TOKENS: entry }).adminApiTokens).toEqual([entry]);
    expect(en3s(['admin', 'new-token', 'nom avec espaces']).code).toBe(2);
  });
});
