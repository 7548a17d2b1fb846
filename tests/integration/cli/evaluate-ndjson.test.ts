import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { en3sInProcess } from '../../support/cli.js';
import { jobDocument } from '../../support/job-documents.js';

/**
 * `en3s evaluate --ndjson`: one complete JSON document per line. A file that is not ndjson at all
 * (its first non-empty line, or more than half of its first 20, not complete JSON documents) is
 * refused once, as a whole; a genuine ndjson file with a few broken lines has them named one by
 * one while the others are evaluated.
 */

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const answer = JSON.parse(readFileSync(fixture('talentlink-rest/positions--carsat-bretagne.json'), 'utf8')) as {
  data: { positions: unknown[] };
};
const opening = answer.data.positions[0];
const msa = JSON.parse(readFileSync(fixture('talentlink-rest/positions--msa-armorique.json'), 'utf8')) as {
  data: { positions: unknown[] };
};

const dir = mkdtempSync(join(tmpdir(), 'en3s-ndjson-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const AT = '2027-02-01T10:00';
const notNdjson = "n'est pas au format NDJSON (un document JSON complet par ligne était attendu)";

describe('en3s evaluate --ndjson on a file that is not ndjson', () => {
  it.each([
    [
      'a pretty-printed JSON array of jobs',
      'jobs.json',
      JSON.stringify([opening, msa.data.positions[0]], null, 2),
      '[',
      "la première ligne non vide n'est pas un document JSON complet, arrêt à la ligne 1",
    ],
    [
      'a single pretty-printed job (a GET /position answer as saved)',
      'position.json',
      readFileSync(fixture('talentlink-rest/positions--carsat-bretagne.json'), 'utf8'),
      '{',
      'arrêt à la ligne 1',
    ],
    [
      'an XML notification',
      'notification.xml',
      readFileSync(fixture('spec-notification-approval-decided.xml'), 'utf8'),
      '<?xml',
      'arrêt à la ligne 1',
    ],
    [
      'a pretty-printed job after blank lines',
      'blank-first.json',
      `\n\n  \n${JSON.stringify(jobDocument({ orgName: 'CAF du Nord', grid: 'RG', level: '8' }), null, 2)}`,
      '{',
      'arrêt à la ligne 4',
    ],
    [
      'one compact job followed by a pretty-printed one',
      'mixed.json',
      `${JSON.stringify(opening)}\n${JSON.stringify(msa.data.positions[0], null, 2)}\n`,
      '{',
      'premières lignes non vides ne sont pas des documents JSON complets, arrêt à la ligne 2',
    ],
  ])(
    '%s: one message (what was expected, where it stopped), exit 2, nothing evaluated',
    async (_what, name, text, start, where) => {
      const path = file(name, text);
      const r = await en3sInProcess('evaluate', '--ndjson', '--at', AT, path);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`en3s : --ndjson : « ${path} » ${notNdjson}`);
      expect(r.stderr).toContain(where);
      expect(r.stderr).toContain(`(« ${start}`);
      expect(r.stderr).toContain('lancez la commande sans --ndjson');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('the same single document is read without --ndjson', async () => {
    const r = await en3sInProcess('evaluate', '--at', AT, file('single.json', JSON.stringify(opening, null, 2)));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ organismType: 'CARSAT', windowOpen: true });
  });
});

describe('en3s evaluate --ndjson on an ndjson file', () => {
  const good = [
    JSON.stringify(opening),
    JSON.stringify(jobDocument({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' })),
    JSON.stringify(msa.data.positions[0]),
    JSON.stringify(jobDocument({ orgName: 'CAF du Nord', grid: 'RG', level: '5A' })),
  ];

  it('every line is evaluated, blank lines, CRLF and a BOM are ignored', async () => {
    const r = await en3sInProcess(
      'evaluate',
      '--ndjson',
      '--at',
      AT,
      file('good.ndjson', `\uFEFF${good.join('\r\n')}\r\n\r\n`),
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toHaveLength(4);
    expect(out.map((d) => d.at)).toEqual(Array(4).fill('2027-02-01T09:00:00.000Z'));
    expect(out[0]).toMatchObject({ organismType: 'CARSAT', windowOpen: true });
  });

  it('a few broken lines are named one by one, the others still evaluated, exit 2', async () => {
    const lines = [good[0], '{"id": 31, "jobNumber":', good[1], good[2], '<job/>', good[3]];
    const path = file('few-broken.ndjson', `${lines.join('\n')}\n`);
    const r = await en3sInProcess('evaluate', '--ndjson', '--at', AT, path);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(4);
    expect(r.stderr).toContain(`${path}:2 : `);
    expect(r.stderr).toContain(`${path}:5 : `);
    expect(r.stderr).toContain('2 document(s) refusé(s), voir ci-dessus');
    expect(r.stderr).not.toContain('NDJSON');
  });

  it('a line that is JSON but not a job is a bad document, not a bad format', async () => {
    const path = file('not-a-job.ndjson', `${JSON.stringify([opening])}\n${good[0]}\n`);
    const r = await en3sInProcess('evaluate', '--ndjson', '--at', AT, path);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${path}:1 > job : `);
    expect(r.stderr).not.toContain('NDJSON');
  });

  it('--help states the rule', async () => {
    const r = await en3sInProcess('evaluate', '--help');
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('un document JSON complet par ligne en entrée');
    expect(help).toContain('une ligne invalide est signalée sans arrêter les autres');
    expect(help).toContain(
      'ou plus de la moitié des 20 premières, ne sont pas des documents JSON complets est refusé en entier',
    );
  });
});
