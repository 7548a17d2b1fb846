/**
 * The tenant's lists of values (LOVs) and free-form fields, with stable numeric ids: the
 * classification fields of docs/talentlink.md §3 under the French names a tenant would show. A LOV or a value
 * the catalogue does not know yet gets the next id of its range, so ids stay stable for one
 * tenant and the known ones never move.
 */

export interface LovEntry {
  nameLovId: number;
  valueLovId: number;
  name: string;
  value: string;
}

export interface FreeFormEntry {
  lovId: number;
  name: string;
  value: string;
}

/** The canonical classification fields, by the name the tenant gives them (docs/talentlink.md §3 (A)). */
export const classificationFieldNames = {
  grid: { lov: 'Grille de classification' },
  level: { lov: 'Niveau ou groupe' },
  category: { lov: "Catégorie d'emploi" },
  family: { lov: "Famille d'emploi" },
  agreement: { lov: 'Convention collective' },
  minesScale: { freeForm: 'Échelle (mines)' },
  minesCareerStart: { freeForm: 'Début de carrière (mines)' },
} as const;
export type ClassificationKey = keyof typeof classificationFieldNames;
export type ClassificationInput = Partial<Record<ClassificationKey, string>>;

const knownLovs: Array<[number, string, string[]]> = [
  [
    3001,
    'Grille de classification',
    ['Régime général', 'Régime agricole', 'Régime des mines', 'Régimes spéciaux', 'ARS'],
  ],
  [
    3002,
    'Niveau ou groupe',
    [
      '1',
      '2',
      '3',
      '4',
      '5A',
      '5B',
      '6',
      '7',
      '8',
      '9',
      'A',
      'B',
      'C',
      'D',
      'E',
      'F',
      'G',
      'H',
      'I',
      'J',
      'K',
      'L',
      'M',
      'N',
    ],
  ],
  [3003, "Catégorie d'emploi", ['Employé', 'Cadre', 'Agent de direction', 'Agent comptable']],
  [3004, "Famille d'emploi", ['Management', 'Comptabilité', 'Chef de service', 'Informatique', 'Ressources humaines']],
  [3005, 'Convention collective', ['CCNT du 8 février 1957', 'CCN MSA', 'Fonction publique', 'Autre']],
];
const knownFreeForms: Array<[number, string]> = [
  [3101, 'Échelle (mines)'],
  [3102, 'Début de carrière (mines)'],
];

export class LovCatalogue {
  private readonly lovs = new Map<string, { id: number; values: Map<string, number> }>();
  private readonly freeForms = new Map<string, number>();
  private nextLovId = 3901;
  private nextFreeFormId = 3951;

  constructor() {
    for (const [id, name, values] of knownLovs) {
      this.lovs.set(name, { id, values: new Map(values.map((value, index) => [value, id * 1000 + index + 1])) });
    }
    for (const [id, name] of knownFreeForms) this.freeForms.set(name, id);
  }

  /** The LOV entry a job holds when `value` is picked in the list `name`. */
  lov(name: string, value: string): LovEntry {
    let list = this.lovs.get(name);
    if (!list) {
      list = { id: this.nextLovId++, values: new Map() };
      this.lovs.set(name, list);
    }
    let valueLovId = list.values.get(value);
    if (valueLovId === undefined) {
      valueLovId = list.id * 1000 + list.values.size + 1;
      list.values.set(value, valueLovId);
    }
    return { nameLovId: list.id, valueLovId, name, value };
  }

  freeForm(name: string, value: string): FreeFormEntry {
    let lovId = this.freeForms.get(name);
    if (lovId === undefined) {
      lovId = this.nextFreeFormId++;
      this.freeForms.set(name, lovId);
    }
    return { lovId, name, value };
  }

  /** The configurable fields of a job from its canonical classification (labels as picked). */
  classification(input: ClassificationInput): { lovs: LovEntry[]; freeFormFields: FreeFormEntry[] } {
    const lovs: LovEntry[] = [];
    const freeFormFields: FreeFormEntry[] = [];
    for (const [key, value] of Object.entries(input) as Array<[ClassificationKey, string | undefined]>) {
      if (value === undefined) continue;
      const where = classificationFieldNames[key];
      if ('lov' in where) lovs.push(this.lov(where.lov, value));
      else freeFormFields.push(this.freeForm(where.freeForm, value));
    }
    return { lovs, freeFormFields };
  }
}
