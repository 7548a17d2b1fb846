import { describe, expect, it } from 'vitest';
import { data } from '../../support/domain.js';

/** Every body type the texts name, recognised from names as recruiters really write them. */
type Row = [code: string, name: string, type: string, territory?: string];

const rows: Row[] = [
  ['CPAM33', 'CPAM de la Gironde', 'CPAM'],
  ['', "Caisse primaire d'assurance maladie du Rhône", 'CPAM'],
  ['', 'CAF du Nord', 'CAF'],
  ['', "Caisse d'allocations familiales de La Réunion", 'CAF', 'REUNION'],
  ['', 'URSSAF Île-de-France', 'URSSAF'],
  ['', 'Urssaf Caisse nationale', 'ACOSS'],
  ['ACOSS', '', 'ACOSS'],
  ['', 'Agence centrale des organismes de sécurité sociale', 'ACOSS'],
  ['CARSAT-ALSACE-MOSELLE', 'CARSAT Alsace-Moselle', 'CARSAT'],
  ['', 'Caisse d’assurance retraite et de la santé au travail Bretagne', 'CARSAT'],
  ['', 'CGSS de La Réunion', 'CGSS', 'REUNION'],
  ['', 'Caisse générale de sécurité sociale de la Guadeloupe', 'CGSS', 'GUADELOUPE'],
  ['CGSS-972', 'CGSS', 'CGSS', 'MARTINIQUE'],
  ['', 'cgss guyane', 'CGSS', 'GUYANE'],
  ['', 'CSS de Mayotte', 'CSS_MAYOTTE', 'MAYOTTE'],
  ['', 'Caisse de Sécurité Sociale de Mayotte', 'CSS_MAYOTTE', 'MAYOTTE'],
  ['', 'CCSS de la Lozère', 'CCSS'],
  ['', 'UGECAM Occitanie', 'UGECAM'],
  ['', 'DRSM Bretagne', 'DRSM'],
  ['', 'CERTI Rhône-Alpes', 'CERTI'],
  ['', 'CTI de Lyon', 'CERTI'],
  ['', 'CRAM Île-de-France', 'CRAM'],
  ['', 'CRAV Alsace-Moselle', 'CRAV'],
  ['', 'UIOSS Provence-Alpes-Côte d’Azur', 'UIOSS'],
  ['', 'CNAMTS', 'CNAM'],
  ['', "Caisse nationale de l'Assurance Maladie", 'CNAM'],
  ['', "CAISSE NATIONALE D'ASSURANCE VIEILLESSE", 'CNAV'],
  ['', 'Caisse nationale d’assurance vieillesse', 'CNAV'],
  ['', 'Cnaf', 'CNAF'],
  ['', 'Caisse nationale des allocations familiales', 'CNAF'],
  ['', 'UCANSS', 'UCANSS'],
  ['', 'Union des caisses nationales de sécurité sociale', 'UCANSS'],
  ['', 'MSA Midi-Pyrénées Nord', 'MSA'],
  ['', 'Mutualité sociale agricole de Picardie', 'MSA'],
  ['', 'Caisse centrale de la mutualité sociale agricole', 'CCMSA'],
  ['', 'CCMSA', 'CCMSA'],
  ['', 'RSI Bretagne', 'RSI'],
  ['', 'Régime social des indépendants', 'RSI'],
  ['', 'Filieris', 'CANSSM'],
  ['', 'CANSSM', 'CANSSM'],
  ['', 'Caisse autonome nationale de la sécurité sociale dans les mines', 'CANSSM'],
  ['', 'CRP RATP', 'CRP_RATP'],
  ['', 'Caisse de retraite du personnel de la RATP', 'CRP_RATP'],
  ['', 'CPRP SNCF', 'CPRP_SNCF'],
  ['', 'Caisse de prévoyance et de retraite du personnel ferroviaire', 'CPRP_SNCF'],
  ['', 'CNIEG', 'CNIEG'],
  ['', 'Caisse nationale des industries électriques et gazières', 'CNIEG'],
  ['', 'CAMIEG', 'CAMIEG'],
  ['', 'CRPCEN', 'CRPCEN'],
  ['', 'Caisse de retraite et de prévoyance des clercs et employés de notaires', 'CRPCEN'],
  ['', 'CNMSS', 'CNMSS'],
  ['', 'Caisse nationale militaire de sécurité sociale', 'CNMSS'],
  ['', 'CNBF', 'CNBF'],
  ['', 'Caisse nationale des barreaux français', 'CNBF'],
  ['', 'ENIM', 'ENIM'],
  ['', 'Établissement national des invalides de la marine', 'ENIM'],
  ['', 'Cavimac', 'CAVIMAC'],
  ['', 'CNSA', 'CNSA'],
  ['', 'AGESSA', 'AGESSA'],
  ['', 'ARS Occitanie', 'ARS'],
  ['', 'Agence régionale de santé de Guyane', 'ARS', 'GUYANE'],
];

const zones: Record<string, string> = {
  REUNION: 'Indian/Reunion',
  GUADELOUPE: 'America/Guadeloupe',
  MARTINIQUE: 'America/Martinique',
  GUYANE: 'America/Cayenne',
  MAYOTTE: 'Indian/Mayotte',
};

describe('organisms: recognised from the ATS organisation code and name', () => {
  it.each(rows)('%s "%s" is %s', (code, name, type, territory) => {
    const { organism } = data.organisms.recognize(code, name);
    expect(organism?.type).toBe(type);
    expect(organism?.territory).toBe(territory ?? null);
    expect(organism?.timeZone).toBe(territory ? zones[territory] : 'Europe/Paris');
  });

  it('covers every body type the texts name (those outside them: organisms-outside.test.ts)', () => {
    const recognised = new Set(rows.map((r) => r[2]));
    expect(
      data.organismsFile.types
        .filter((t) => t.regime !== undefined)
        .map((t) => t.key)
        .filter((k) => !recognised.has(k)),
    ).toEqual([]);
  });

  it('an unknown body is not guessed', () => {
    expect(data.organisms.recognize('MUT-75', 'Mutuelle des Lilas').organism).toBeNull();
  });

  it('a CGSS without its island has no time zone', () => {
    const r = data.organisms.recognize('', 'CGSS');
    expect(r.territoryMissing).toBe(true);
    expect(r.organism?.timeZone).toBeNull();
  });

  it('bodies with two networks list both, primary first', () => {
    expect(data.organisms.recognize('', 'CARSAT Bretagne').organism?.networks).toEqual(['Cnav', 'Cnam']);
  });
});
