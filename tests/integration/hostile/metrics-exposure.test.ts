import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { metricsExposureProblem } from '../../../src/admin/index.js';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { startService } from '../../../src/service/service.js';

/**
 * `/metrics` is open without a token only on a loopback address: asked to listen on any other
 * address without `metricsTokenHash`, the service refuses to start, before it opens anything
 * (no database file, no listening socket). Nothing here connects to a non-loopback address.
 */

const TOKEN_HASH = 'a'.repeat(64);

describe('the metrics of a service listening beyond the loopback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'en3s-metrics-exposure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuse to start without a metrics token, naming the setting to set, before opening the database', async () => {
    const databaseUrl = `sqlite:${join(dir, 'never.sqlite')}`;
    for (const httpHost of ['0.0.0.0', '::']) {
      const config = loadConfig({}, { databaseUrl, httpHost, httpPort: 0, reportsSchedule: false });
      const failure = await startService({ config }).then(
        (started) => started.stop().then(() => null),
        (error: unknown) => error,
      );
      expect(failure, httpHost).toBeInstanceOf(ConfigError);
      expect((failure as Error).message).toContain(
        'EN3S_METRICS_TOKEN_HASH : requis quand le service écoute sur une autre adresse',
      );
    }
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  });

  it('allow an open /metrics on loopback only, and any address once a token is set', () => {
    for (const httpHost of ['127.0.0.1', '::1', 'localhost'])
      expect(metricsExposureProblem({ httpHost, metricsTokenHash: '' }), httpHost).toBeNull();
    expect(metricsExposureProblem({ httpHost: '0.0.0.0', metricsTokenHash: TOKEN_HASH })).toBeNull();
  });
});
