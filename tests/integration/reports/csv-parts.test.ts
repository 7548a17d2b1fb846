import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partsSource } from '../../../src/reports/csv-parts.js';
import { generateReportFile, type FileRequest } from '../../../src/reports/generate.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { generateReportCampaign } from '../../bench/report-campaign.js';
import { buildTemplates } from '../../bench/report-templates.js';
import { compileProject, type CompiledProject } from '../../support/compile-project.js';
import { data } from '../../support/domain.js';

/**
 * A large CSV report on SQLite is made in parts on several threads: the file must be exactly the
 * one the single-threaded writer makes, whatever the cut points, the number of threads and the
 * filters. The workers run the project compiled from the sources (Node cannot run TypeScript).
 */
describe('CSV report made in parts on several threads', () => {
  let dir: string;
  let store: Store;
  let compiled: CompiledProject;
  let workerUrl: URL;
  const base: ReportOptions = {
    campaign: 2027,
    asOf: null,
    network: null,
    regime: null,
    body: null,
    states: null,
    primaryNetworks: 'all',
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-csv-parts-'));
    const file = join(dir, 'campaign.sqlite');
    await generateReportCampaign(file, 700, await buildTemplates(1));
    store = await openDatabase(`sqlite:${file}`, { create: false });
    compiled = compileProject();
    workerUrl = pathToFileURL(join(compiled.dir, 'src', 'reports', 'csv-part-worker.js'));
  });
  afterAll(async () => {
    await store?.close();
    compiled?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  async function csv(
    options: ReportOptions,
    parts: FileRequest['parts'],
  ): Promise<{ bytes: Buffer; rows: number; progress: number[] }> {
    const out = join(dir, `report-${++runs}.csv`);
    const progress: number[] = [];
    const result = await generateReportFile(store.db, data.organismsFile, {
      kind: 'report',
      format: 'csv',
      options,
      generatedAt: '2027-03-01T07:00:00.000Z',
      out,
      trigger: 'cli',
      now: '2027-03-01T07:00:00.000Z',
      pageSize: 50,
      parts,
      onProgress: (n) => progress.push(n),
    });
    return { bytes: readFileSync(out), rows: result.rowCount, progress };
  }
  // From the TypeScript sources there is no compiled worker beside the module: one thread.
  const singleThread = { workerUrl: new URL('file:///nonexistent/csv-part-worker.js') };

  it('is used only when asked, with a compiled worker and more than one part', async () => {
    expect(await partsSource(store.db, base, data.organismsFile, { ...singleThread, threads: 2 })).toBeNull();
    expect(await partsSource(store.db, base, data.organismsFile, { workerUrl, partSize: 10 })).toBeNull();
    expect(await partsSource(store.db, base, data.organismsFile, { workerUrl, threads: 2, partSize: 700 })).toBeNull();
    expect(await partsSource(store.db, base, data.organismsFile, { workerUrl, threads: 2, partSize: 699 })).toMatch(
      /campaign\.sqlite$/,
    );
    expect(
      await partsSource(store.db, { ...base, asOf: '2027-03-01T07:00:00.000Z' }, data.organismsFile, {
        workerUrl,
        threads: 2,
        partSize: 10,
      }),
    ).toBeNull();
  });

  it('writes the same bytes as one thread, whatever the parts and threads', async () => {
    const one = await csv(base, singleThread);
    expect(one.rows).toBe(700);
    for (const parts of [
      { threads: 2, partSize: 37 },
      { threads: 3, partSize: 100 },
      { threads: 2, partSize: 699 },
      { threads: 1, partSize: 64 },
    ]) {
      const made = await csv(base, { ...parts, workerUrl });
      expect(made.rows, JSON.stringify(parts)).toBe(700);
      expect(made.bytes.equals(one.bytes), JSON.stringify(parts)).toBe(true);
      expect(made.progress.at(-1)).toBe(700);
      expect(made.progress).toEqual([...made.progress].sort((a, b) => a - b));
    }
  });

  it('applies the filters the same way', async () => {
    for (const options of [
      { ...base, network: 'Cnaf' },
      { ...base, states: ['approved' as const, 'refused' as const] },
      { ...base, regime: 'agricole', primaryNetworks: 'primary' as const },
      { ...base, body: 'CPAM' },
    ]) {
      const one = await csv(options, singleThread);
      const made = await csv(options, { threads: 2, partSize: 41, workerUrl });
      expect(made.rows).toBe(one.rows);
      expect(made.rows).toBeGreaterThan(0);
      expect(made.bytes.equals(one.bytes), JSON.stringify(options)).toBe(true);
    }
  });
});
