import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { createReportMailer } from '../../../src/reports/mail.js';
import { listReportRuns } from '../../../src/reports/runs.js';
import { dueRuns, ReportScheduler } from '../../../src/reports/schedule.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign, type Campaign } from './campaign.js';

const keys = (now: string, done: string[] = [], formats = ['csv'] as const) =>
  dueRuns(new Date(now), new Set(done), formats).map((r) => r.scheduleKey);

describe('which scheduled runs are due (pure)', () => {
  it.each([
    ['Monday 4 January 2027, 07:00 Paris', '2027-01-04T06:00:00.000Z', [], ['weekly:2027-01-04:report:csv']],
    [
      'one second earlier: no Monday of the window has come yet, last year’s final is past its season',
      '2027-01-04T05:59:59.000Z',
      [],
      [],
    ],
    ['Wednesday after a Monday missed while stopped', '2027-01-06T12:00:00.000Z', [], ['weekly:2027-01-04:report:csv']],
    ['the same, already made', '2027-01-06T12:00:00.000Z', ['weekly:2027-01-04:report:csv'], []],
    [
      'after weeks down, only the latest Monday is made',
      '2027-02-17T10:00:00.000Z',
      [],
      ['weekly:2027-02-15:report:csv'],
    ],
    [
      'the Monday after the change to summer time (07:00 CEST = 05:00 UTC)',
      '2027-03-29T05:00:00.000Z',
      [],
      ['weekly:2027-03-29:report:csv'],
    ],
    [
      'Sunday 2 May before 07:00: the last Monday is still due',
      '2027-05-02T04:59:59.000Z',
      [],
      ['weekly:2027-04-26:report:csv'],
    ],
    [
      '2 May 07:00: the final report and the recap, no more weekly ones',
      '2027-05-02T05:00:00.000Z',
      [],
      ['final:2027:report:csv', 'final:2027:recap:csv'],
    ],
    [
      'a final run missed in May is made in June',
      '2027-06-15T08:00:00.000Z',
      ['final:2027:report:csv'],
      ['final:2027:recap:csv'],
    ],
    [
      'until the next window opens (31 December 23:59 Paris)',
      '2027-12-31T22:59:00.000Z',
      [],
      ['final:2027:report:csv', 'final:2027:recap:csv'],
    ],
    ['and not after (1 January 00:00 Paris)', '2027-12-31T23:00:00.000Z', [], []],
  ] as [string, string, string[], string[]][])('%s', (_name, now, done, expected) => {
    expect(keys(now, done)).toEqual(expected);
  });

  it('names the files after the slot, one per report and format', () => {
    const runs = dueRuns(new Date('2027-05-03T09:00:00.000Z'), new Set(), ['xlsx', 'csv']);
    expect(runs.map((r) => [r.fileName, r.slot.dueAt])).toEqual([
      ['en3s-rapport-2027-final.xlsx', '2027-05-02T05:00:00.000Z'],
      ['en3s-rapport-2027-final.csv', '2027-05-02T05:00:00.000Z'],
      ['en3s-recapitulatif-2027-final.xlsx', '2027-05-02T05:00:00.000Z'],
      ['en3s-recapitulatif-2027-final.csv', '2027-05-02T05:00:00.000Z'],
    ]);
    expect(dueRuns(new Date('2027-01-13T09:00:00.000Z'), new Set(), ['html'])[0]?.fileName).toBe(
      'en3s-rapport-2027-semaine-2027-01-11.html',
    );
  });
});

/** The Subject header, its RFC 2047 encoded words (UTF-8, Q) decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  const words = [...header.matchAll(/=\?UTF-8\?Q\?([^?]*)\?=/gi)].map((m) => m[1]!);
  const bytes = words
    .join('')
    .replace(/_/g, ' ')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => `%${hex}`);
  return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
}

interface Received {
  from: string;
  to: string[];
  raw: string;
}

describe.each(testDatabases())('report scheduler on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let dir: string;
  let smtp: SMTPServer;
  let smtpUrl: string;
  const mails: Received[] = [];

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-schedule');
    campaign = await buildCampaign(store);
    dir = mkdtempSync(join(tmpdir(), 'en3s-report-schedule-'));
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  const written: string[] = [];
  const scheduler = (now: string, mail = false) =>
    new ReportScheduler({
      store,
      organisms: data.organismsFile,
      clock: { now: () => new Date(now) },
      log: silentLogger,
      dir,
      formats: ['csv', 'xlsx'],
      primaryNetworks: 'all',
      onRun: (run) => written.push(run.fileName),
      mailer: mail
        ? createReportMailer({
            url: smtpUrl,
            from: 'connecteur-en3s@example.invalid',
            to: ['bourse-emplois@example.invalid'],
          })
        : null,
    });

  it('makes at start-up the weekly report missed while stopped, as it stood at its slot, once', async () => {
    const first = scheduler('2027-01-13T09:00:00.000Z');
    const made = await first.start();
    await first.stop();
    expect(made.map((m) => m.run.fileName)).toEqual([
      'en3s-rapport-2027-semaine-2027-01-11.csv',
      'en3s-rapport-2027-semaine-2027-01-11.xlsx',
    ]);
    // Each file written is counted for /metrics (en3s_report_runs_total, trigger schedule).
    expect(written).toEqual(made.map((m) => m.run.fileName));
    const csv = readFileSync(join(dir, 'en3s-rapport-2027-semaine-2027-01-11.csv'), 'utf8');
    // Monday 11 January 07:00: A approved (12/01) not yet, D not created yet.
    expect(csv).toContain(`${campaign.ref.A};`);
    expect(csv).not.toContain(`${campaign.ref.D};`);
    expect(csv.split('\r\n').find((l) => l.startsWith(campaign.ref.A))).toContain("Soumise à l'EN3S");
    const again = await scheduler('2027-01-13T10:00:00.000Z').runDue();
    expect(again).toEqual([]);
    const runs = await listReportRuns(store.db, { trigger: 'schedule' });
    expect(runs.map((r) => [r.fileName, r.dueAt, r.scheduleKey])).toEqual([
      ['en3s-rapport-2027-semaine-2027-01-11.xlsx', '2027-01-11T06:00:00.000Z', 'weekly:2027-01-11:report:xlsx'],
      ['en3s-rapport-2027-semaine-2027-01-11.csv', '2027-01-11T06:00:00.000Z', 'weekly:2027-01-11:report:csv'],
    ]);
    expect(runs[0]?.options).toMatchObject({ campaign: 2027, asOf: '2027-01-11T06:00:00.000Z' });
  });

  it('two instances looking at once make each run once', async () => {
    const [a, b] = await Promise.all([
      scheduler('2027-01-20T09:00:00.000Z').runDue(),
      scheduler('2027-01-20T09:00:00.000Z').runDue(),
    ]);
    expect(a.length + b.length).toBe(2);
    const runs = await listReportRuns(store.db, { trigger: 'schedule' });
    expect(runs.filter((r) => r.scheduleKey?.startsWith('weekly:2027-01-18')).length).toBe(2);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('writes the final report and the recap on 2 May and e-mails them through the configured SMTP server', async () => {
    await campaign.closeWindow();
    const made = await scheduler('2027-05-02T05:00:30.000Z', true).runDue();
    expect(made.map((m) => m.run.fileName)).toEqual([
      'en3s-rapport-2027-final.csv',
      'en3s-rapport-2027-final.xlsx',
      'en3s-recapitulatif-2027-final.csv',
      'en3s-recapitulatif-2027-final.xlsx',
    ]);
    const recap = readFileSync(join(dir, 'en3s-recapitulatif-2027-final.csv'), 'utf8');
    expect(recap).toContain(
      '\r\nTotal des offres distinctes (une offre d’un organisme à plusieurs réseaux compte dans ' +
        'chacun ci-dessus, une seule fois ici);1;3;0;5;9\r\n',
    );
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect([mail.from, mail.to]).toEqual(['connecteur-en3s@example.invalid', ['bourse-emplois@example.invalid']]);
    for (const m of made) expect(mail.raw).toContain(`filename=${m.run.fileName}`);
    expect(subjectOf(mail.raw)).toBe('Période EN3S — campagne 2027 : rapport final et récapitulatif par réseau');
    const xlsxRun = made.find((m) => m.run.fileName === 'en3s-rapport-2027-final.xlsx')!;
    expect(mail.raw.replace(/=\r\n/g, '')).toContain(xlsxRun.sha256);
  });

  it('logs a failure without keeping the service from starting (reports folder that cannot be created)', async () => {
    const errors: string[] = [];
    const log = {
      ...silentLogger,
      error: (message: string, meta?: Record<string, unknown>) =>
        void errors.push(`${message} ${JSON.stringify(meta)}`),
    };
    const failures: string[] = [];
    const blocked = new ReportScheduler({
      store,
      organisms: data.organismsFile,
      clock: { now: () => new Date('2027-02-03T09:00:00.000Z') },
      log,
      dir: join(dir, 'en3s-rapport-2027-final.csv', 'sous-dossier'),
      formats: ['csv'],
      primaryNetworks: 'all',
      onFailure: (stage) => failures.push(stage),
    });
    await expect(blocked.start()).resolves.toEqual([]);
    await blocked.stop();
    expect(errors).toHaveLength(1);
    // Counted for /metrics (en3s_report_failures_total), so that an operator is alerted.
    expect(failures).toEqual(['look']);
    expect(errors[0]).toMatch(/^scheduled reports failed .*(ENOTDIR|EEXIST)/);
    expect(
      (await listReportRuns(store.db, { trigger: 'schedule' })).some((r) =>
        r.scheduleKey?.startsWith('weekly:2027-02-01'),
      ),
    ).toBe(false);
  });

  it('reports an unreachable SMTP server as a failed delivery, without throwing', async () => {
    const mailer = createReportMailer({
      url: 'smtp://127.0.0.1:1',
      from: 'a@example.invalid',
      to: ['b@example.invalid'],
    })!;
    const run = dueRuns(new Date('2027-05-03T00:00:00.000Z'), new Set(), ['csv'])[0]!;
    const result = await mailer.send([{ run, path: join(dir, 'en3s-rapport-2027-final.csv'), sha256: 'x', rows: 0 }]);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('example.invalid');
  });
});
