import { describe, expect, it } from 'vitest';
import { data } from '../../support/domain.js';

/**
 * Bodies recognised precisely (docs/domain.md#bodies-recognised-precisely: "a name that merely contains a concerned
 * body's acronym or a common phrase … is not that body"). The texts name the bodies in the
 * instruction DSS/4B/2026/34 (addressees and §1.1) and the circulaire of 2014 (guide Ucanss §1.2).
 * Names are spelled as recruiters and tenants write them.
 */
type Row = [name: string, type: string | null, proves: string];

const recognise = (name: string) => data.organisms.recognize('', name);

/** Another fund or body whose acronym or name contains a named one's. */
const fragments: Row[] = [
  ['CAFAT', 'CAFAT', 'the New Caledonian fund is not a CAF though its acronym starts with one'],
  ['Cafat Nouméa', 'CAFAT', 'CAFAT with its town'],
  ['CNAVPL', 'CNAVPL', 'the liberal professions’ fund is not the Cnav (instruction addressee)'],
  [
    'Caisse nationale d’assurance vieillesse des professions libérales',
    'CNAVPL',
    'its spelled-out name contains the Cnav’s: the longest phrase wins',
  ],
  ['CAVAMAC', 'CNAVPL', 'the insurance agents’ section is not the CAVIMAC (régime spécial, §1.1)'],
  ['CPRN', 'CNAVPL', 'the notaries’ own fund is not the CRPCEN (§1.1)'],
  [
    'Caisse de prévoyance et de retraite des notaires',
    'CNAVPL',
    'nor spelled out: the CRPCEN is the clercs’ and employees’',
  ],
  ['CRPNPAC', 'CRPNPAC', 'the aircrew fund is not the CRP RATP though both are « CRP… »'],
  [
    'Caisse de retraite du personnel navigant professionnel de l’aéronautique civile',
    'CRPNPAC',
    'a « caisse de retraite du personnel » that is not the RATP’s',
  ],
  ['MSA Services Limousin', 'MSA_SERVICES', 'an association created by MSA funds is not a MSA fund'],
  ['CCSS Monaco', 'CAISSES_SOCIALES_MONACO', 'Monaco’s CCSS is not the Lozère’s caisse commune (régime général)'],
  ['Caisse de compensation des services sociaux de Monaco', 'CAISSES_SOCIALES_MONACO', 'nor spelled out'],
  [
    'Conservatoire national des arts et métiers (Cnam)',
    'CONSERVATOIRE_ARTS_METIERS',
    'the other Cnam is a school, not the caisse nationale',
  ],
  [
    'Agence de santé de Wallis-et-Futuna',
    'AGENCE_SANTE_WALLIS_FUTUNA',
    'an « agence de santé » is not an agence régionale de santé (§1.1)',
  ],
  ['Cafpi Bordeaux', null, '« caf » inside another word is no CAF, and the name is unknown'],
  ['CPAMS Consulting', null, '« cpam » inside another word is no CPAM'],
  ['Carsat-Services SA', 'CARSAT', 'control: a hyphen separates words, this names a CARSAT'],
  ['CPAM33', 'CPAM', 'control: letters and figures apart, « CPAM33 » is the CPAM of department 33'],
  ['Cnamts', 'CNAM', 'control: the old acronym of the Cnam is the Cnam'],
];

/**
 * A company of the same group as a régime spécial's fund is not the fund (§1.1 names the régimes; their funds are the
 * addressees).
 */
const groupCompanies: Row[] = [
  ['SNCF Voyageurs', 'SNCF_GROUP', 'a rail company of the SNCF group is not the CPRP SNCF'],
  ['SNCF Réseau', 'SNCF_GROUP', 'nor is the network manager'],
  ['SNCF Gares & Connexions', 'SNCF_GROUP', 'nor the stations company'],
  ['Fret SNCF', 'SNCF_GROUP', 'nor freight'],
  ['Keolis', 'SNCF_GROUP', 'nor a subsidiary not named SNCF'],
  ['Société nationale des chemins de fer français', 'SNCF_GROUP', 'the company spelled out'],
  ['RATP Dev', 'RATP_GROUP', 'a RATP subsidiary is not the CRP RATP'],
  ['RATP Infrastructures', 'RATP_GROUP', 'nor the infrastructure manager'],
  ['Groupe RATP', 'RATP_GROUP', 'nor the group'],
  ['EDF', 'IEG_COMPANY', 'an IEG employer is not the CNIEG nor the CAMIEG'],
  ['Électricité de France', 'IEG_COMPANY', 'spelled out'],
  ['Enedis', 'IEG_COMPANY', 'the distribution company'],
  ['GRDF', 'IEG_COMPANY', 'the gas distributor'],
  ['CCAS des IEG', 'IEG_SOCIAL_ACTIVITIES', 'the IEG’s social activities are not a social security body'],
  ['CMCAS Paris', 'IEG_SOCIAL_ACTIVITIES', 'nor their local fund'],
  ['CPRP SNCF', 'CPRP_SNCF', 'control: the fund itself (instruction addressee: CPRPF)'],
  [
    'Caisse de prévoyance et de retraite du personnel de la SNCF',
    'CPRP_SNCF',
    'control: the fund spelled out, longer than the company’s name it contains',
  ],
  ['Caisse de retraites du personnel de la RATP', 'CRP_RATP', 'control: the fund (addressee: CRPRATP)'],
  [
    'Caisse de retraite du personnel de la Régie autonome des transports parisiens',
    'CRP_RATP',
    'control: the fund with the Régie spelled out',
  ],
  ['CNIEG', 'CNIEG', 'control: the IEG pension fund (§1.1)'],
];

/**
 * A phrase found in several régimes, or the company name the text uses for a régime, names no one body: unknown, to be
 * checked.
 */
const ambiguous: Row[] = [
  ['Service médical', null, 'the régime général’s (DRSM) or the MSA’s'],
  ['Service médical Bretagne', null, 'a region does not say which régime'],
  ['Service social', null, 'Carsat, CGSS, MSA and CNMSS all have one'],
  ['SNCF', null, 'the company or the régime the text calls « SNCF » (§1.1): its fund is the CPRP SNCF'],
  ['RATP', null, 'the Régie, a subsidiary, or the régime the text calls « RATP » (§1.1)'],
  ['Régie autonome des transports parisiens', null, 'the Régie is the company, not the pension fund'],
  ['CPS', null, 'Polynésie française or Saint-Pierre-et-Miquelon'],
  ['Caisse de prévoyance sociale', null, 'idem, spelled out'],
  ['CCAS', null, 'a town’s social action centre, the IEG’s, or the RATP’s'],
  ['L’Assurance Maladie', null, 'the brand of the Cnam, CPAM, DRSM and CGSS'],
  ['L’Assurance retraite', null, 'the brand of the Cnav, Carsat and CGSS'],
  ['Mutuelle des Lilas', null, 'a mutuelle, but which: not guessed'],
  ['Service médical de la MSA Picardie', 'MSA', 'another phrase says which: the MSA'],
  ['Échelon local du service médical de Nantes', 'DRSM', 'the régime général’s ELSM, spelled out'],
  ['Service social de la Carsat Bretagne', 'CARSAT', 'the Carsat’s service social'],
  ['CPS de Polynésie française', 'CPS_POLYNESIE', 'the CPS with its territory'],
  ['CPS de Saint-Pierre-et-Miquelon', 'CPS_SPM', 'idem'],
  [
    'Caisse primaire d’assurance maladie de la Gironde',
    'CPAM',
    'the brand inside a body’s name does not hide the body',
  ],
];

describe('organisms: a fragment of another name is not the body', () => {
  it.each(fragments)('"%s" is %s: %s', (name, type) => {
    expect(recognise(name).organism?.type ?? null).toBe(type);
  });
});

describe('organisms: a company of a régime spécial’s group is not its fund', () => {
  it.each(groupCompanies)('"%s" is %s: %s', (name, type) => {
    expect(recognise(name).organism?.type ?? null).toBe(type);
  });
});

describe('organisms: a phrase naming no one body recognises nothing on its own', () => {
  it.each(ambiguous)('"%s" is %s: %s', (name, type) => {
    const r = recognise(name);
    expect(r.organism?.type ?? null).toBe(type);
    if (type === null) expect(r.ambiguous).toMatch(/\S/);
  });

  it('says why, in French, when only a vague phrase was found', () => {
    expect(recognise('Service médical').ambiguous).toBe(
      '« service médical » désigne le service médical du régime général (DRSM, ELSM) comme celui de la MSA',
    );
    expect(recognise('Clinique du Parc').ambiguous).toBeNull();
  });
});
