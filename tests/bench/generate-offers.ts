import { toOffer } from '../../connectors/talentlink/mapping.js';
import type { TalentLinkMapping } from '../../connectors/talentlink/mapping-schema.js';
import { classificationGrids, type Offer } from '../../src/domain/offer.js';
import type { DomainData } from '../../src/mappings/load.js';
import { jobDocument, type JobSpec } from '../support/job-documents.js';
import { bodyNames, jobTitles, unknownBodyNames } from './body-names.js';

/**
 * A deterministic stream of realistic canonical offers and instants for the eligibility bench.
 *
 * Offers go through the real path (job document → `toOffer` → body recognised by
 * `organismes.yaml`), once per template; the N offers are then cheap copies of templates with their
 * own ids, titles and classification objects. Level labels, grids and the mines criteria are read
 * from the rule set files, so every label any text knows is generated, plus the noise recruiters
 * add (prefixes, unknown labels, missing or unreadable values). Instants cover 2025–2028: both
 * texts, inside and outside the window, with extra weight around the days where the answer flips.
 */

export type Random = () => number;

/** mulberry32: tiny, fast, and good enough to spread test data; the same seed gives the same stream. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedOffers {
  offers: Offer[];
  /** Epoch milliseconds, one per offer: the instant it is evaluated at. */
  instants: Float64Array;
}

export const DEFAULT_SEED = 0x0e7535;
const UNKNOWN = '(unknown)';
/** Bodies outside the texts (`outside` in organismes.yaml): never concerned, but recognised. */
const OUTSIDE = '(outside)';
/** Share of offers per régime (body type régime of organismes.yaml), roughly as the job exchange sees them. */
const regimeWeights: Record<string, number> = {
  general: 55,
  agricole: 12,
  speciaux: 8,
  ars: 8,
  mines: 3,
  rsi: 3,
  [UNKNOWN]: 8,
  [OUTSIDE]: 4,
};

const pick = <T>(rand: Random, list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;

function weighted<T>(rand: Random, entries: readonly (readonly [T, number])[]): T {
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let r = rand() * total;
  for (const [value, w] of entries) {
    r -= w;
    if (r < 0) return value;
  }
  return entries[entries.length - 1]![0];
}

interface RegimeVocabulary {
  grids: Set<string>;
  labels: Set<string>;
  mines: { families: Set<string>; scales: Set<number>; careerStarts: Set<boolean> } | null;
}

/** What the texts read for each régime, merged over all rule set files. */
function vocabulary(data: DomainData): Map<string, RegimeVocabulary> {
  const byRegime = new Map<string, RegimeVocabulary>();
  for (const file of data.ruleSetFiles) {
    for (const regime of file.regimes) {
      let v = byRegime.get(regime.key);
      if (!v) {
        v = { grids: new Set(), labels: new Set(), mines: null };
        byRegime.set(regime.key, v);
      }
      const c = regime.criterion;
      for (const g of c.grids) v.grids.add(g);
      if (c.kind === 'levels') for (const l of c.knownLevels) v.labels.add(l);
      else {
        v.mines ??= { families: new Set(), scales: new Set(), careerStarts: new Set() };
        v.mines.families.add(c.jobFamily);
        v.mines.scales.add(c.scale);
        v.mines.careerStarts.add(c.careerStart);
      }
    }
  }
  return byRegime;
}

const ROMAN: Record<string, string> = { '6': 'VI', '7': 'VII', '8': 'VIII', '9': 'IX' };

/**
 * A label as a recruiter may type it: bare, with a prefix the mapping strips, in lower case, or
 * as the engine reads it once per distinct label (« N7 », « Niv. VII », « Cadre niveau 8 »).
 */
function writtenLabel(rand: Random, label: string): string {
  const r = rand();
  if (r < 0.7) return label;
  const group = /^[A-Z]$/.test(label);
  if (r < 0.82) return group ? `Groupe ${label}` : `Niveau ${label}`;
  if (r < 0.88) return `Niv. ${label}`;
  if (r < 0.91) return group ? `Gr ${label}` : `N${label}`;
  if (r < 0.94) return group ? `Cadre groupe ${label}` : `Cadre niveau ${ROMAN[label] ?? label}`;
  return label.toLowerCase();
}

function category(rand: Random): string | undefined {
  return weighted<string | undefined>(rand, [
    ['CADRE', 55],
    ['EMPLOYE', 22],
    ['ADD', 6],
    ['AGENT_DE_DIRECTION', 4],
    ['Agent comptable', 3],
    [undefined, 10],
  ]);
}

function agreement(rand: Random, regime: string): string | undefined {
  if (regime === 'ars')
    return weighted<string | undefined>(rand, [
      ['CCNT_RG', 40],
      ['PUBLIC', 30],
      ['OTHER', 10],
      [undefined, 20],
    ]);
  const own = regime === 'agricole' ? 'CCN_MSA' : 'CCNT_RG';
  return weighted<string | undefined>(rand, [
    [undefined, 75],
    [own, 20],
    ['OTHER', 5],
  ]);
}

/** The grid field: one the régime reads, none, an alias, another grid, or garbage. */
function grid(rand: Random, grids: readonly string[]): string | undefined {
  const r = rand();
  if (r < 0.7) return pick(rand, grids);
  if (r < 0.85) return undefined;
  if (r < 0.9 && grids.includes('RG')) return 'Regime general';
  if (r < 0.96)
    return pick(
      rand,
      classificationGrids.filter((g) => !grids.includes(g)),
    );
  return 'XX';
}

function templateSpecs(
  rand: Random,
  regime: string,
  v: RegimeVocabulary | undefined,
  names: readonly string[],
): JobSpec[] {
  const specs: JobSpec[] = [];
  const base = (): JobSpec => ({
    orgName: pick(rand, names),
    category: category(rand),
    agreement: agreement(rand, regime),
    title: pick(rand, jobTitles),
  });
  if (v?.mines) {
    const families = [...v.mines.families, 'GESTIONNAIRE', 'INGENIEUR', undefined];
    const scales = [
      ...[...v.mines.scales].flatMap((s) => [String(s - 1), String(s), String(s + 1)]),
      undefined,
      'treize',
    ];
    const starts = ['true', 'false', 'oui', 'non', undefined];
    for (const family of families) {
      for (const scale of scales) {
        for (const careerStart of starts)
          specs.push({ ...base(), grid: rand() < 0.6 ? 'MINES' : undefined, family, scale, careerStart });
      }
    }
    // The posts the texts name are common in the mines' job offers, not one combination in a hundred.
    for (const family of v.mines.families) {
      for (const scale of v.mines.scales) {
        for (let r = 0; r < 12; r++)
          specs.push({
            ...base(),
            grid: 'MINES',
            family,
            scale: String(scale),
            careerStart: String(pick(rand, [...v.mines.careerStarts])),
          });
      }
    }
    return specs;
  }
  const grids = v ? [...v.grids] : [...classificationGrids];
  const labels = v ? [...v.labels] : ['7', '8', 'L', 'VIII'];
  // Every label three times, each kind of noise once.
  for (const label of [...labels, '7bis', '10', 'Z', undefined]) {
    const copies = label !== undefined && labels.includes(label) ? 3 : 1;
    for (let r = 0; r < copies; r++)
      specs.push({
        ...base(),
        grid: grid(rand, grids),
        level: label === undefined ? undefined : writtenLabel(rand, label),
      });
  }
  return specs;
}

interface TypeTemplates {
  regime: string;
  templates: Offer[];
}

function buildTemplates(rand: Random, data: DomainData, mapping: TalentLinkMapping): Map<string, TypeTemplates[]> {
  const vocab = vocabulary(data);
  const byRegime = new Map<string, TypeTemplates[]>();
  let templateNo = 0;
  const types = [
    ...data.organismsFile.types.map((t) => ({
      key: t.key,
      regime: t.regime ?? OUTSIDE,
      names: bodyNames[t.key] ?? [t.label],
    })),
    { key: UNKNOWN, regime: UNKNOWN, names: unknownBodyNames },
  ];
  for (const type of types) {
    for (const name of type.names) {
      const found = data.organisms.recognize('', name).organism?.type ?? UNKNOWN;
      if (found !== type.key)
        throw new Error(`bench data: body name "${name}" is recognised as ${found}, expected ${type.key}`);
    }
    const templates = templateSpecs(rand, type.regime, vocab.get(type.regime), type.names).map((spec) => {
      templateNo += 1;
      const offer = toOffer(jobDocument(spec), mapping, data.organisms);
      // jobDocument numbers its documents per process: give templates ids of their own so runs match.
      return {
        ...offer,
        atsId: `tpl-${templateNo}`,
        jobNumber: `TPL${templateNo}`,
        organization: { ...offer.organization, atsId: `org-${type.key}-${type.names.indexOf(spec.orgName)}` },
      };
    });
    const list = byRegime.get(type.regime) ?? [];
    list.push({ regime: type.regime, templates });
    byRegime.set(type.regime, list);
  }
  return byRegime;
}

const DAY = 86_400_000;

/** Instants over 2025–2028; one in five within 36 hours of a window edge or a change of text. */
function instantsFor(rand: Random, count: number, data: DomainData): Float64Array {
  const from = Date.UTC(2025, 0, 1);
  const to = Date.UTC(2029, 0, 1);
  const edges: number[] = [];
  for (let year = 2025; year <= 2028; year++) {
    const w = data.ruleSets.fallbackCalendar.window(year, data.organismsFile.defaultTimeZone);
    edges.push(w.startMs, w.endMs);
  }
  edges.push(...data.ruleSets.list.map((rs) => rs.fromMs).filter((ms) => ms > from && ms < to));
  const instants = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const near = rand() < 0.2;
    const ms = near ? pick(rand, edges) + (rand() * 2 - 1) * 1.5 * DAY : from + rand() * (to - from);
    instants[i] = Math.floor(ms / 1000) * 1000;
  }
  return instants;
}

export function generateOffers(
  count: number,
  data: DomainData,
  mapping: TalentLinkMapping,
  seed: number = DEFAULT_SEED,
): GeneratedOffers {
  const rand = mulberry32(seed);
  const byRegime = buildTemplates(rand, data, mapping);
  const regimes = [...byRegime.keys()].map((k) => [k, regimeWeights[k] ?? 5] as const);
  const instants = instantsFor(rand, count, data);
  const offers = new Array<Offer>(count);
  for (let i = 0; i < count; i++) {
    const type = pick(rand, byRegime.get(weighted(rand, regimes))!);
    const template = pick(rand, type.templates);
    // Was a document version (the real ATS has none): drawn all the same, so the offers stay those measured before.
    rand();
    offers[i] = {
      ...template,
      atsId: `tl-${i + 1}`,
      jobNumber: `NVHADD${String(i + 1).padStart(7, '0')}`,
      title: pick(rand, jobTitles),
      createdAt: new Date(instants[i]! - Math.floor(rand() * 20) * DAY).toISOString(),
      classification: { ...template.classification },
    };
  }
  return { offers, instants };
}
