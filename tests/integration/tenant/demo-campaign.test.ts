import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { positionsAnswerSchema } from '../../../connectors/talentlink/rest/dto.js';
import { demoOffers } from '../../../connectors/talentlink/tenant/demo-offers.js';
import { startTenant, type StartedTenant } from './helpers.js';

/** The demo campaign on the tenant: bodies of every régime with their classification fields. */

let s: StartedTenant;
beforeAll(async () => {
  s = await startTenant();
});
afterAll(() => s.stop());

describe('the demo campaign', () => {
  it('creates each demo offer with its body and classification, early ones in December, clock put back', async () => {
    const before = s.tenant.clock.nowMs();
    const seeded = await s.driver('POST', '/demo-campaign', {});
    expect(seeded.status).toBe(201);
    const jobs = seeded.json.jobs as Array<{ key: string; jobId: number; postingId: number | null }>;
    expect(jobs).toHaveLength(demoOffers.length);
    expect(s.tenant.clock.nowMs()).toBe(before);

    const read = async (key: string) => {
      const id = jobs.find((j) => j.key === key)!.jobId;
      const a = await s.query(
        '/position',
        `{ positions(where: {id_eq: ${id}}) { id creationDate organization { name } ` +
          `configurableFields { lovs { name value } freeFormFields { name value } } } }`,
      );
      return positionsAnswerSchema.parse(a.json).data.positions![0]!;
    };
    const mines = await read('canssm-chef-comptabilite');
    expect(mines.organization!.name).toBe('CANSSM - Filieris');
    expect(mines.configurableFields!.freeFormFields).toEqual([
      { name: 'Échelle (mines)', value: '13' },
      { name: 'Début de carrière (mines)', value: 'oui' },
    ]);
    const msa = await read('msa-mpn-sante-travail');
    expect(msa.configurableFields!.lovs).toEqual(
      expect.arrayContaining([
        { name: 'Grille de classification', value: 'Régime agricole' },
        { name: 'Niveau ou groupe', value: 'L' },
        { name: 'Convention collective', value: 'CCN MSA' },
      ]),
    );
    const early = await read('cpam-qualite-decembre');
    expect(new Date(early.creationDate!).toISOString()).toBe('2026-12-15T09:00:00.000Z');
    expect(jobs.find((j) => j.key === 'cpam-qualite-decembre')!.postingId).not.toBeNull();
    const unknown = await read('gip-mds-chef-projet');
    expect(unknown.organization!.name).toBe('GIP Modernisation des déclarations sociales');
  });
});
