import { Kind, type FieldNode, type SelectionSetNode } from 'graphql';

/**
 * The fields each resource can select, filter and sort on: the subset of the vendor's DTOs
 * (`OpeningFullDto`, `PublishedAdvertDto`, `UserFullDto`, `DepartmentFullDto`) the tenant
 * simulates. The selection rules of docs/talentlink.md §2 live here: only selected fields come back, nested
 * objects and lists by their own selection, and an empty selected object comes back `null`.
 */

export type Shape = 'scalar' | ObjectShape | readonly [ObjectShape];
export interface ObjectShape {
  readonly [field: string]: Shape;
}

const S = 'scalar' as const;
const structureShape: ObjectShape = { id: S, name: S, parentId: S, level: S };
const departmentRefShape: ObjectShape = { ...structureShape, structure: [structureShape] };
const userRefShape: ObjectShape = { id: S, login: S, fullName: S, language: S };
const memberShape: ObjectShape = { order: S, lovValue: S, user: userRefShape };

export const openingShape: ObjectShape = {
  id: S,
  jobNumber: S,
  requisitionNumber: S,
  jobTitle: S,
  status: S,
  headCount: S,
  company: S,
  language: S,
  contractType: S,
  creationDate: S,
  updateDate: S,
  dueDate: S,
  organization: departmentRefShape,
  department: departmentRefShape,
  configurableFields: {
    lovs: [{ nameLovId: S, valueLovId: S, name: S, value: S }],
    freeFormFields: [{ lovId: S, name: S, value: S }],
  },
  customFields: [{ label: S, value: S, unlocalizedLabel: S, order: S }],
  team: { recruiters: [memberShape], operationals: [memberShape], approvers: [{ ...memberShape, stepOrder: S }] },
};

export const postingShape: ObjectShape = {
  id: S,
  status: S,
  creationDate: S,
  updateDate: S,
  postingStartDate: S,
  postingEndDate: S,
  endDate: S,
  jobAdTitle: S,
  language: S,
  openingId: S,
  opening: openingShape,
};

export const userShape: ObjectShape = {
  id: S,
  login: S,
  firstName: S,
  lastName: S,
  email: S,
  language: S,
  status: S,
  creationDate: S,
  updateDate: S,
};

export const departmentShape: ObjectShape = { id: S, name: S, code: S, parentId: S, level: S, active: S };

const isList = (shape: Shape): shape is readonly [ObjectShape] => Array.isArray(shape);

/** The shape at a path of field names (lists are walked through), or undefined. */
export function fieldShape(shape: ObjectShape, path: readonly string[]): Shape | undefined {
  let current: Shape = shape;
  for (const name of path) {
    if (current === 'scalar') return undefined;
    const object: ObjectShape = isList(current) ? current[0] : current;
    if (!Object.hasOwn(object, name)) return undefined;
    current = object[name]!;
  }
  return isList(current) ? current[0] : current;
}

/** Why a selection does not fit a shape, or null when it does. */
export function checkSelection(selection: SelectionSetNode, shape: ObjectShape, where: string): string | null {
  for (const node of selection.selections) {
    if (node.kind !== Kind.FIELD) return `${where}: fragments are not supported, list the fields`;
    const name = node.name.value;
    if (node.arguments && node.arguments.length > 0)
      return `${where}.${name}: arguments are only taken by the root field`;
    const field = Object.hasOwn(shape, name) ? shape[name]! : undefined;
    if (field === undefined) return `${where}: unknown field ${name}`;
    if (field === 'scalar') {
      if (node.selectionSet) return `${where}.${name}: a scalar field takes no selection`;
      continue;
    }
    if (!node.selectionSet) return `${where}.${name}: an object field needs a selection of its fields`;
    const problem = checkSelection(node.selectionSet, isList(field) ? field[0] : field, `${where}.${name}`);
    if (problem) return problem;
  }
  return null;
}

/**
 * The selected fields of a full DTO; a selection already checked with `checkSelection`. An
 * object whose selected fields are all null or empty lists comes back null (docs/talentlink.md §2 (E): a team
 * with no member is `null`, as a Java DTO of empty fields is); items of a list (and
 * the root's items) stay objects, so a list keeps its length.
 */
export function project(value: unknown, selection: SelectionSetNode, keepEmpty = false): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((item) => project(item, selection, true));
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const node of selection.selections as readonly FieldNode[]) {
    const raw = source[node.name.value];
    out[node.alias?.value ?? node.name.value] = node.selectionSet ? project(raw, node.selectionSet) : (raw ?? null);
  }
  const empty = (v: unknown) => v === null || (Array.isArray(v) && v.length === 0);
  return !keepEmpty && Object.values(out).every(empty) ? null : out;
}
