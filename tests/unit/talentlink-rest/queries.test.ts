import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openingDtoSchema, publishedAdvertDtoSchema } from '../../../connectors/talentlink/rest/dto.js';
import { numericId, queries } from '../../../connectors/talentlink/rest/queries.js';
import { argumentsOf, selectionTree } from './support.js';

/** The field tree a zod object schema describes, through optional, nullable and array wrappers. */
function schemaTree(schema: z.ZodType): Record<string, unknown> | true {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else break;
  }
  if (!(current instanceof z.ZodObject)) return true;
  return Object.fromEntries(Object.entries(current.shape).map(([key, value]) => [key, schemaTree(value as z.ZodType)]));
}

const rootOf = (text: string) => {
  const operation = parse(text).definitions[0];
  if (operation?.kind !== 'OperationDefinition') throw new Error('not an operation');
  const root = operation.selectionSet.selections[0];
  if (root?.kind !== 'Field') throw new Error('no root field');
  return root;
};

describe('the GraphQL reads (docs/talentlink.md §2)', () => {
  it('every job read selects exactly the fields of openingDtoSchema', () => {
    const expected = schemaTree(openingDtoSchema);
    for (const text of [queries.jobById(1), queries.jobsByIds([1, 2]), queries.changedJobs(0, 10, 0)]) {
      expect(selectionTree(rootOf(text))).toEqual(expected);
    }
  });

  it('one posting with its job selects the posting and the same job fields', () => {
    const posting = schemaTree(publishedAdvertDtoSchema) as Record<string, unknown>;
    expect(selectionTree(rootOf(queries.postingWithJob(7)))).toEqual(posting);
    const { opening: _job, ...postingOnly } = posting;
    expect(selectionTree(rootOf(queries.postingsOfJob(7, 0)))).toEqual(postingOnly);
  });

  it('the arguments of each read', () => {
    expect(argumentsOf(rootOf(queries.jobById(48213)))).toEqual({ where: { id_eq: 48213 } });
    expect(argumentsOf(rootOf(queries.jobsByIds([3, 1, 2])))).toEqual({ where: { id_in: [3, 1, 2] }, first: 3 });
    expect(argumentsOf(rootOf(queries.changedJobs(1799827200000, 25, 100)))).toEqual({
      where: { updateDate_ge: 1799827200000 },
      sortBy: 'updateDate',
      orderBy: 'ASC',
      first: 25,
      after: 100,
    });
    expect(argumentsOf(rootOf(queries.postingsOfJob(48213, 0)))).toEqual({
      where: { openingId_eq: 48213 },
      first: 100,
      after: 0,
    });
    expect(argumentsOf(rootOf(queries.userEmail(90211)))).toEqual({ where: { id_eq: 90211 } });
  });

  it('a login is one string literal, however hostile', () => {
    const hostile = 'x"}) { email } users(where: {login_eq: "admin\\\n\u0001é';
    const root = rootOf(queries.userByLogin(hostile));
    expect(argumentsOf(root)).toEqual({ where: { login_eq: hostile } });
    expect(selectionTree(root)).toEqual({ id: true, login: true });
    expect(parse(queries.userByLogin(hostile)).definitions[0]).toMatchObject({
      selectionSet: { selections: [{ name: { value: 'users' } }] },
    });
  });

  it('numbers must be integers: anything else is a bug and throws before a query exists', () => {
    expect(() => queries.jobById(1.5)).toThrow(RangeError);
    expect(() => queries.jobById(Number.NaN)).toThrow(RangeError);
    expect(() => queries.jobsByIds([])).toThrow(RangeError);
    expect(() => queries.jobsByIds(Array.from({ length: 101 }, (_, i) => i))).toThrow(RangeError);
  });

  it('numericId takes canonical decimal ids only', () => {
    expect(numericId('48213')).toBe(48213);
    expect(numericId('0')).toBe(0);
    for (const bad of ['', '048', '1e3', '-1', '12 ', '4.5', '99999999999999999', 'abc'])
      expect(numericId(bad)).toBeUndefined();
  });
});
