import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/service/logger.js';

/**
 * The service's log lines as a stock collector (Loki's promtail, Vector, Fluent Bit, an ELK
 * pipeline) reads them: one JSON object per line with `timestamp` (ISO 8601, UTC), `level` and
 * `message`, then the line's own fields (docs/operations/README.md).
 */

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('debug', { stream }), lines };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('JSON log lines', () => {
  it('carry timestamp (ISO 8601, UTC), level and message on every line, then the fields of the line', async () => {
    const { log, lines } = capture();
    const before = Date.now();
    log.info('service started', { url: 'http://127.0.0.1:3000' });
    log.warn('queue drain stopped', { code: 'NETWORK' });
    log.error('scheduled report failed', { slot: 'weekly:2027-01-04' });
    log.debug('inbox batch rolled back');
    await settle();
    expect(lines).toHaveLength(4);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((l) => [l.level, l.message])).toEqual([
      ['info', 'service started'],
      ['warn', 'queue drain stopped'],
      ['error', 'scheduled report failed'],
      ['debug', 'inbox batch rolled back'],
    ]);
    for (const line of parsed) {
      expect(line.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(line.timestamp as string)).toBeGreaterThanOrEqual(before - 1);
    }
    expect(parsed[0]).toMatchObject({ url: 'http://127.0.0.1:3000' });
    expect(parsed[1]).toMatchObject({ code: 'NETWORK' });
  });

  it('keep personal data out of the fields a collector indexes', async () => {
    const { log, lines } = capture();
    log.info('mail sent to recruiter1@exemple.fr', { email: 'recruiter1@exemple.fr', lastName: 'Marchand' });
    await settle();
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ message: 'mail sent to [e-mail masqué]', email: '[masqué]', lastName: '[masqué]' });
  });
});
