import { Kind, parse, print, stripIgnoredCharacters, visit, type DocumentNode, type ValueNode } from 'graphql';

/**
 * The GraphQL reads of the real TalentLink (docs/talentlink.md §2), sent as `GET /{resource}?query=…`.
 * Each query is written once as text with `$variables` and parsed at module load, so a typo
 * fails at start-up, not at the ATS. Values never go in by concatenation: the variables are
 * replaced in the parsed document by literal nodes (integers checked, strings escaped by
 * graphql's printer), because the vendor's endpoint takes a bare document, not variables.
 */

/** Every field of `openingDtoSchema` (dto.ts): one selection for every read of a job. */
export const OPENING_SELECTION = `
  id jobNumber requisitionNumber jobTitle status creationDate updateDate dueDate
  organization { id name parentId level structure { id name parentId level } }
  department { id name parentId level structure { id name parentId level } }
  configurableFields { lovs { nameLovId valueLovId name value } freeFormFields { lovId name value } }
  customFields { label value unlocalizedLabel order }
  team {
    recruiters { order lovValue user { id login fullName language } }
    operationals { order lovValue user { id login fullName language } }
    approvers { order stepOrder lovValue user { id login fullName language } }
  }`;

/** The fields of `publishedAdvertDtoSchema` but its job. */
export const POSTING_SELECTION = 'id status creationDate updateDate postingStartDate postingEndDate endDate openingId';

/** The vendor's page size limit (docs/talentlink.md §2). */
export const MAX_PAGE = 100;

const templates = {
  jobById: parse(`{ positions(where: {id_eq: $id}) { ${OPENING_SELECTION} } }`),
  jobsByIds: parse(`{ positions(where: {id_in: $ids}, first: $first) { ${OPENING_SELECTION} } }`),
  changedJobs: parse(
    `{ positions(where: {updateDate_ge: $since}, sortBy: updateDate, orderBy: ASC, first: ` +
      `$first, after: $after) { ${OPENING_SELECTION} } }`,
  ),
  postingsOfJob: parse(
    `{ publishedAdverts(where: {openingId_eq: $id}, first: $first, after: $after) { ${POSTING_SELECTION} } }`,
  ),
  postingWithJob: parse(
    `{ publishedAdverts(where: {id_eq: $id}) { ${POSTING_SELECTION} opening { ${OPENING_SELECTION} } } }`,
  ),
  userByLogin: parse('{ users(where: {login_eq: $login}) { id login } }'),
  userEmail: parse('{ users(where: {id_eq: $id}) { id email } }'),
};

type Literal = number | string | readonly number[];

function integerNode(value: number, name: string): ValueNode {
  // A bug, not an expected failure: callers check ids before building a query.
  if (!Number.isSafeInteger(value))
    throw new RangeError(`GraphQL query: $${name} must be an integer, got ${String(value)}`);
  return { kind: Kind.INT, value: String(value) };
}

function literalNode(value: Literal, name: string): ValueNode {
  if (typeof value === 'string') return { kind: Kind.STRING, value };
  if (typeof value === 'number') return integerNode(value, name);
  return { kind: Kind.LIST, values: value.map((item) => integerNode(item, name)) };
}

/** The template with every `$name` replaced by its value, printed without insignificant spaces. */
function bind(template: DocumentNode, values: Record<string, Literal>): string {
  const bound = visit(template, {
    Variable(node) {
      const value = values[node.name.value];
      if (value === undefined) throw new Error(`GraphQL query: no value for $${node.name.value}`);
      return literalNode(value, node.name.value);
    },
  });
  return stripIgnoredCharacters(print(bound));
}

export const queries = {
  jobById: (id: number) => bind(templates.jobById, { id }),
  jobsByIds: (ids: readonly number[]) => {
    if (ids.length === 0 || ids.length > MAX_PAGE)
      throw new RangeError(`GraphQL query: 1 to ${MAX_PAGE} ids per call, got ${ids.length}`);
    return bind(templates.jobsByIds, { ids, first: ids.length });
  },
  changedJobs: (sinceMs: number, first: number, after: number) =>
    bind(templates.changedJobs, { since: sinceMs, first, after }),
  postingsOfJob: (id: number, after: number) => bind(templates.postingsOfJob, { id, first: MAX_PAGE, after }),
  postingWithJob: (id: number) => bind(templates.postingWithJob, { id }),
  userByLogin: (login: string) => bind(templates.userByLogin, { login }),
  userEmail: (id: number) => bind(templates.userEmail, { id }),
};

/** A canonical decimal id (as this client writes them) as a number, or undefined. */
export function numericId(value: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(value)) return undefined;
  const id = Number(value);
  return Number.isSafeInteger(id) ? id : undefined;
}
