import {
  GraphQLError,
  Kind,
  parse,
  type ArgumentNode,
  type DocumentNode,
  type FieldNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { fieldShape, type ObjectShape } from './dto-shapes.js';

/**
 * The read language of the real API (docs/talentlink.md §2): `GET /{resource}?query=<GraphQL>`, one root field
 * with `first`, `after`, `where`, `sortBy`, `orderBy`. The document is parsed with the graphql
 * package and its AST walked here; anything the vendor's language would not take (a syntax error,
 * an unknown field, argument or filter, a variable) is an expected failure with a reason, which
 * the route answers 400 with `X-Request-Error`.
 */

export type FilterOp = 'eq' | 'gt' | 'ge' | 'lt' | 'le' | 'in' | 'like' | 'notLike' | 'isNull';
/** Longest first, so `_notLike` is not read as `_like` of a field `…not`. */
const filterOps: FilterOp[] = ['notLike', 'isNull', 'like', 'eq', 'gt', 'ge', 'lt', 'le', 'in'];

export interface Filter {
  path: string[];
  op: FilterOp;
  value: unknown;
}

export interface ReadQuery {
  root: string;
  /** The name the answer uses for the root (its alias when given). */
  answerKey: string;
  first: number;
  after: number;
  where: Filter[];
  sortBy: string[] | null;
  orderBy: 'ASC' | 'DESC';
  selection: SelectionSetNode;
}

/** (A) The page size when `first` is left out: the vendor's own example query uses 10. */
export const DEFAULT_PAGE = 10;
export const MAX_PAGE = 100;

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function literal(node: ValueNode): Parsed<unknown> {
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return { ok: true, value: Number(node.value) };
    case Kind.STRING:
    case Kind.ENUM:
      return { ok: true, value: node.value };
    case Kind.BOOLEAN:
      return { ok: true, value: node.value };
    case Kind.NULL:
      return { ok: true, value: null };
    case Kind.LIST: {
      const items: unknown[] = [];
      for (const item of node.values) {
        const v = literal(item);
        if (!v.ok) return v;
        items.push(v.value);
      }
      return { ok: true, value: items };
    }
    case Kind.OBJECT:
      return fail('nested objects are only allowed as the value of where');
    case Kind.VARIABLE:
      return fail(`variables are not supported: write the value of $${node.name.value} in the query`);
  }
}

/** `organization_id_eq` → path `[organization, id]`, op `eq`, checked against the shape. */
function filterOf(name: string, value: unknown, shape: ObjectShape): Parsed<Filter> {
  const op = filterOps.find((o) => name.endsWith(`_${o}`));
  if (!op)
    return fail(
      `where.${name}: expected a filter named <field>_eq, _gt, _ge, _lt, _le, _in, _like, _notLike or _isNull`,
    );
  const path = name.slice(0, -(op.length + 1)).split('_');
  if (fieldShape(shape, path) !== 'scalar')
    return fail(`where.${name}: ${path.join('.')} is not a scalar field of this resource`);
  if (op === 'in' && !Array.isArray(value)) return fail(`where.${name}: expected a list`);
  if (op === 'isNull' && typeof value !== 'boolean') return fail(`where.${name}: expected true or false`);
  if ((op === 'like' || op === 'notLike') && typeof value !== 'string')
    return fail(`where.${name}: expected a string pattern`);
  if (['eq', 'gt', 'ge', 'lt', 'le'].includes(op) && (value === null || typeof value === 'object'))
    return fail(`where.${name}: expected a number, a string or a boolean`);
  return { ok: true, value: { path, op, value } };
}

function intArgument(arg: ArgumentNode, min: number, max: number): Parsed<number> {
  if (arg.value.kind !== Kind.INT) return fail(`${arg.name.value}: expected an integer`);
  const n = Number(arg.value.value);
  if (n < min || n > max) return fail(`${arg.name.value}: expected ${min} to ${max}, got ${n}`);
  return { ok: true, value: n };
}

/** Parses the query of one resource; `roots` maps the root field to the shape of its items. */
export function parseReadQuery(
  text: string,
  roots: Record<string, ObjectShape>,
): Parsed<ReadQuery & { shape: ObjectShape }> {
  let document: DocumentNode;
  try {
    document = parse(text);
  } catch (error) {
    if (error instanceof GraphQLError) return fail(`query: ${error.message.replace(/[^\x20-\x7e]/g, '?')}`);
    throw error;
  }
  const operations = document.definitions;
  if (
    operations.length !== 1 ||
    operations[0]!.kind !== Kind.OPERATION_DEFINITION ||
    operations[0]!.operation !== 'query'
  ) {
    return fail('query: expected exactly one query operation (no fragments, no mutation)');
  }
  const fields = operations[0]!.selectionSet.selections;
  if (fields.length !== 1 || fields[0]!.kind !== Kind.FIELD) return fail('query: expected exactly one root field');
  const root = fields[0] as FieldNode;
  const shape = roots[root.name.value];
  if (!shape) return fail(`query: unknown root field ${root.name.value}, expected ${Object.keys(roots).join(' or ')}`);
  if (!root.selectionSet) return fail(`${root.name.value}: expected a selection of fields`);

  const query: ReadQuery & { shape: ObjectShape } = {
    root: root.name.value,
    answerKey: root.alias?.value ?? root.name.value,
    first: DEFAULT_PAGE,
    after: 0,
    where: [],
    sortBy: null,
    orderBy: 'ASC',
    selection: root.selectionSet,
    shape,
  };
  for (const arg of root.arguments ?? []) {
    const name = arg.name.value;
    if (name === 'first' || name === 'after') {
      const n = name === 'first' ? intArgument(arg, 1, MAX_PAGE) : intArgument(arg, 0, Number.MAX_SAFE_INTEGER);
      if (!n.ok) return n;
      query[name] = n.value;
    } else if (name === 'where') {
      if (arg.value.kind !== Kind.OBJECT) return fail('where: expected an object of filters');
      for (const f of arg.value.fields) {
        const v = literal(f.value);
        if (!v.ok) return fail(`where.${f.name.value}: ${v.reason}`);
        const filter = filterOf(f.name.value, v.value, shape);
        if (!filter.ok) return filter;
        query.where.push(filter.value);
      }
    } else if (name === 'sortBy') {
      if (arg.value.kind !== Kind.ENUM && arg.value.kind !== Kind.STRING) return fail('sortBy: expected a field name');
      const path = arg.value.value.split('_');
      if (fieldShape(shape, path) !== 'scalar')
        return fail(`sortBy: ${arg.value.value} is not a scalar field of this resource`);
      query.sortBy = path;
    } else if (name === 'orderBy') {
      const v = arg.value.kind === Kind.ENUM || arg.value.kind === Kind.STRING ? arg.value.value : '';
      if (v !== 'ASC' && v !== 'DESC') return fail('orderBy: expected ASC or DESC');
      query.orderBy = v;
    } else {
      return fail(`${root.name.value}: unknown argument ${name}, expected first, after, where, sortBy or orderBy`);
    }
  }
  return { ok: true, value: query };
}
