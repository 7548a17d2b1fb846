import { describe, expect, it } from 'vitest';
import { data, decide } from '../../support/domain.js';

/**
 * Social security bodies outside the texts, and employers whose names look like a body's, are
 * known and decided "not concerned", citing the list of bodies of the text in force, rather than
 * "unknown" (docs/domain.md#bodies-recognised-precisely: "Know the social security bodies outside the texts too"). The
 * lists: Instruction DSS/4B/2026/34 §1.1 (and its mention Outre-mer: CGSS and CSS de Mayotte only); Circulaire
 * DSS/4B/2014/350, as quoted by the guide Ucanss §1.2.
 */
const NEW = '2027-02-01T10:00:00+01:00';
const OLD = '2025-02-03T10:00:00+01:00';

type Row = [name: string, type: string, timeZone: string, proves: string];

const outside: Row[] = [
  ['CAFAT', 'CAFAT', 'Pacific/Noumea', 'New Caledonia’s own régime'],
  [
    'Caisse de prévoyance sociale de la Polynésie française',
    'CPS_POLYNESIE',
    'Pacific/Tahiti',
    'French Polynesia’s own régime',
  ],
  [
    'CPS de Saint-Pierre-et-Miquelon',
    'CPS_SPM',
    'America/Miquelon',
    'Saint-Pierre-et-Miquelon’s caisse, not named by the mention Outre-mer',
  ],
  [
    'CCSS de Saint-Pierre-et-Miquelon',
    'CPS_SPM',
    'America/Miquelon',
    'written as a CCSS, still the archipelago’s own caisse, not the Lozère’s',
  ],
  [
    'Caisse des prestations sociales de Wallis-et-Futuna',
    'CAISSES_WALLIS_FUTUNA',
    'Pacific/Wallis',
    'Wallis-et-Futuna’s own caisses',
  ],
  ['Agence de santé de Wallis-et-Futuna', 'AGENCE_SANTE_WALLIS_FUTUNA', 'Pacific/Wallis', 'a State agency, not an ARS'],
  ['Caisse des Français de l’étranger', 'CFE', 'Europe/Paris', 'the expatriates’ caisse'],
  ['CIPAV', 'CNAVPL', 'Europe/Paris', 'a section of the liberal professions’ régime'],
  ['CARMF', 'CNAVPL', 'Europe/Paris', 'idem (doctors)'],
  ['Caisse des dépôts - CNRACL', 'CAISSE_DES_DEPOTS', 'Europe/Paris', 'the local civil servants’ pension fund'],
  ['Ircantec', 'CAISSE_DES_DEPOTS', 'Europe/Paris', 'the public non-titulaires’ complementary pension'],
  ['Agirc-Arrco', 'AGIRC_ARRCO', 'Europe/Paris', 'complementary pensions of employees'],
  ['Groupe IRCEM', 'GROUPE_PROTECTION_SOCIALE', 'Europe/Paris', 'a groupe de protection sociale'],
  ['Klesia', 'GROUPE_PROTECTION_SOCIALE', 'Europe/Paris', 'idem'],
  ['Malakoff Humanis', 'GROUPE_PROTECTION_SOCIALE', 'Europe/Paris', 'idem'],
  ['MGEN', 'MUTUELLE', 'Europe/Paris', 'a mutuelle'],
  ['Harmonie Mutuelle', 'MUTUELLE', 'Europe/Paris', 'idem'],
  ['France Travail (ex-Pôle emploi)', 'FRANCE_TRAVAIL', 'Europe/Paris', 'the employment service'],
  ['Pôle emploi Occitanie', 'FRANCE_TRAVAIL', 'Europe/Paris', 'under its former name'],
  ['Unédic', 'UNEDIC', 'Europe/Paris', 'unemployment insurance'],
  ['CRPNPAC', 'CRPNPAC', 'Europe/Paris', 'a régime not among the régimes spéciaux named'],
  ['Caisses sociales de Monaco', 'CAISSES_SOCIALES_MONACO', 'Europe/Paris', 'a foreign social security'],
  ['EN3S', 'EN3S', 'Europe/Paris', 'the school that receives the posts'],
  ['SNCF Réseau', 'SNCF_GROUP', 'Europe/Paris', 'a company of a régime spécial’s group'],
  ['RATP Dev', 'RATP_GROUP', 'Europe/Paris', 'idem'],
  ['EDF', 'IEG_COMPANY', 'Europe/Paris', 'an employer of the IEG régime'],
  ['MSA Services Limousin', 'MSA_SERVICES', 'Europe/Paris', 'an association of MSA funds'],
  ['Centre communal d’action sociale de Lyon', 'CCAS_COMMUNAL', 'Europe/Paris', 'a town’s social action centre'],
  ['CMCAS Paris', 'IEG_SOCIAL_ACTIVITIES', 'Europe/Paris', 'the IEG’s social activities'],
  [
    'Conservatoire national des arts et métiers',
    'CONSERVATOIRE_ARTS_METIERS',
    'Europe/Paris',
    'the other Cnam, a school',
  ],
];

describe('eligibility: a body outside the texts is known and not concerned', () => {
  it.each(outside)('"%s" (%s) is not concerned under the instruction: %s', (name, type, timeZone) => {
    const d = decide({ orgName: name, grid: 'RG', level: '8' }, NEW);
    expect(d.organismType).toBe(type);
    expect(d.concerned).toBe(false);
    expect(d.requiresEn3sApproval).toBe(false);
    expect(d.missing).toEqual([]);
    expect(d.reasons[0]).toMatchObject({ code: 'BODY_NOT_COVERED', source: 'Instruction DSS/4B/2026/34 §1.1' });
    expect(d.reasons[0]!.message).toMatch(/ : organisme non visé par ce texte$/);
    expect(d.window.timeZone).toBe(timeZone);
  });

  it.each(outside)('"%s" (%s) is not concerned under the circulaire of 2014 either', (name) => {
    const d = decide({ orgName: name, grid: 'RG', level: '8' }, OLD);
    expect(d.concerned).toBe(false);
    expect(d.reasons[0]).toMatchObject({
      code: 'BODY_NOT_COVERED',
      source: 'Circulaire DSS/4B/2014/350, citée par le guide Ucanss §1.2',
    });
  });

  it('the CNBF, a lawyers’ fund, is named by the instruction among the régimes spéciaux: concerned', () => {
    expect(decide({ orgName: 'Caisse nationale des barreaux français', grid: 'RS', level: '8' }, NEW)).toMatchObject({
      concerned: true,
      regime: 'speciaux',
    });
  });

  it('the CNMSS is named too: concerned', () => {
    expect(decide({ orgName: 'CNMSS', grid: 'RS', level: '7' }, NEW)).toMatchObject({
      concerned: true,
      regime: 'speciaux',
    });
  });

  it('every body type outside the texts is covered here, and says why in French', () => {
    const covered = new Set(outside.map((r) => r[1]));
    const types = data.organismsFile.types.filter((t) => t.outside !== undefined);
    expect(types.map((t) => t.key).filter((k) => !covered.has(k))).toEqual([]);
    for (const t of types) expect(t.outside).toMatch(/[a-zé]/);
  });

  it('an unknown employer is still undetermined, never guessed as outside the texts', () => {
    expect(decide({ orgName: 'Clinique du Parc', grid: 'RG', level: '8' }, NEW)).toMatchObject({
      concerned: null,
      missing: ['organism'],
    });
  });
});
