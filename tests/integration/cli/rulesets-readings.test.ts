import { describe, expect, it } from 'vitest';
import { readings } from '../../../src/domain/readings.js';
import { en3sInProcess } from '../../support/cli.js';

/** `en3s rulesets --readings`: every reading the engine can make, in French, for a jurist to review. */
describe('en3s rulesets --readings', () => {
  it('lists every reading with what it rests on and where it is made', async () => {
    const r = await en3sInProcess('rulesets', '--readings');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Lectures des textes faites par le moteur (${readings.length})`);
    for (const reading of readings) expect(r.stdout).toContain(`${reading.code} — ${reading.title}`);
    expect(r.stdout.match(/^ {2}Repose sur : /gm)).toHaveLength(readings.length);
    expect(r.stdout).toContain(
      "Art. R. 123-48 du code de la sécurité sociale : « le terme agents de direction s'entend des directeur",
    );
  });

  it('--readings --json gives the catalogue as data', async () => {
    const r = await en3sInProcess('rulesets', '--readings', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(readings);
  });

  it('the texts’ listing cites the circulaire through the guide Ucanss and marks the reading', async () => {
    const r = await en3sInProcess('rulesets');
    expect(r.stdout).toContain(
      'régime général : niveaux 7 à 9 de la grille des employés et cadres (citée par le guide Ucanss §1.2 et §1.3)',
    );
    expect(r.stdout).toContain(
      "Jamais concernées : Offre d'agent de direction : hors du processus EN3S (citée par le guide Ucanss §1.3 (note))",
    );
    expect(r.stdout).toContain(
      '(Art. R. 123-37 du code de la sécurité sociale ; guide Ucanss §1.3 (note) ; lecture, voir --readings)',
    );
  });
});
