import { XMLParser } from 'fast-xml-parser';

/**
 * From the tree fast-xml-parser builds to the JSON shape of the contract (docs/talentlink.md §8: element
 * names and JSON keys are the same, attributes become plain keys). The walk is guided by the
 * shape below, so only the fields the contract knows are copied, into fresh objects: whatever
 * else the XML holds never reaches the result. Entity references are decoded here because the
 * parser runs with `processEntities: false` (no DTD entity may expand); only the five
 * predefined entities and character references exist in a DTD-less document.
 */

const repeatedElements = new Set(['lov', 'team', 'member', 'step', 'posting']);

export function createXmlParser(): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    processEntities: false,
    parseTagValue: false,
    parseAttributeValue: false,
    removeNSPrefix: true,
    cdataPropName: '#cdata',
    isArray: (name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) =>
      !isAttribute && repeatedElements.has(name),
  });
}

type Shape =
  | { kind: 'text' }
  | { kind: 'boolean' }
  | { kind: 'integer' }
  | { kind: 'object'; fields: Record<string, Shape>; textAs?: string }
  /**
   * `element`: the repeated child; `wrapped`: inside `<field>` (`<customFields><lov/>`) or directly in the parent
   * (`<member/>`).
   */
  | { kind: 'list'; element: string; wrapped: boolean; of: Shape };

const text: Shape = { kind: 'text' };
const integer: Shape = { kind: 'integer' };
const object = (fields: Record<string, Shape>, textAs?: string): Shape =>
  textAs ? { kind: 'object', fields, textAs } : { kind: 'object', fields };

const jobShape = object({
  id: text,
  version: integer,
  jobNumber: text,
  requisitionNumber: text,
  openingName: text,
  creationDate: text,
  createdBy: object({ userId: text, firstName: text, lastName: text, email: text }),
  organization: object({ id: text, code: text, name: text }),
  customFields: { kind: 'list', element: 'lov', wrapped: true, of: object({ key: text, value: text }, 'value') },
  teams: {
    kind: 'list',
    element: 'team',
    wrapped: true,
    of: object({
      role: text,
      name: text,
      members: {
        kind: 'list',
        element: 'member',
        wrapped: false,
        of: object({ userId: text, name: text, email: text }),
      },
    }),
  },
  approvalProcess: object({
    name: text,
    version: integer,
    status: text,
    startedAt: text,
    startedBy: text,
    dueDate: text,
    steps: {
      kind: 'list',
      element: 'step',
      wrapped: false,
      of: object({ order: integer, team: text, status: text, decidedAt: text, decidedBy: text, comment: text }),
    },
  }),
  publicationLock: object({ locked: { kind: 'boolean' }, reason: text, since: text }),
  postings: {
    kind: 'list',
    element: 'posting',
    wrapped: true,
    of: object({ id: text, channel: text, status: text, publishedAt: text, withdrawnAt: text }),
  },
  status: text,
});

export const notificationShape = object({ id: text, type: text, occurredAt: text, queueName: text, job: jobShape });
export { jobShape };

/** An entity reference that a DTD-less document cannot define; carries the field path. */
export class UndefinedEntityError extends Error {
  constructor(
    readonly reference: string,
    readonly path: string,
  ) {
    super(`undefined entity ${reference} in ${path}`);
  }
}

const predefined: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(value: string, path: string): string {
  return value.replace(/&([^;&\s]{0,32});/g, (reference, name: string) => {
    if (Object.hasOwn(predefined, name)) return predefined[name] as string;
    const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(name);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      const legal =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff));
      if (legal) return String.fromCodePoint(code);
    }
    throw new UndefinedEntityError(reference, path);
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const own = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined);

function textOf(value: unknown, path: string): unknown {
  if (typeof value === 'string') return decodeEntities(value, path);
  if (!isRecord(value)) return value;
  const plain = own(value, '#text');
  const cdata = own(value, '#cdata');
  if (plain === undefined && cdata === undefined) return value;
  const decoded = typeof plain === 'string' ? decodeEntities(plain, path) : '';
  return decoded + (Array.isArray(cdata) ? cdata.join('') : typeof cdata === 'string' ? cdata : '');
}

/**
 * Values the shape cannot make sense of (a list where a text is expected, text where an
 * object is) are passed on unchanged, so that the zod schema reports them with their path.
 */
export function normalise(value: unknown, shape: Shape, path: string): unknown {
  switch (shape.kind) {
    case 'text':
      return textOf(value, path);
    case 'boolean': {
      const t = textOf(value, path);
      return t === 'true' ? true : t === 'false' ? false : t;
    }
    case 'integer': {
      const t = textOf(value, path);
      if (typeof t !== 'string') return t;
      const trimmed = t.trim();
      if (trimmed === '') return undefined;
      return /^-?\d{1,15}$/.test(trimmed) ? Number(trimmed) : t;
    }
    case 'object': {
      if (value === '') return {};
      if (!isRecord(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [field, fieldShape] of Object.entries(shape.fields)) {
        const fieldPath = path === '' ? field : `${path}.${field}`;
        let result: unknown;
        if (fieldShape.kind === 'list' && !fieldShape.wrapped)
          result = normaliseItems(own(value, fieldShape.element), fieldShape, fieldPath);
        else if (fieldShape.kind === 'list') result = normaliseWrapped(own(value, field), fieldShape, fieldPath);
        else result = normalise(own(value, field), fieldShape, fieldPath);
        if (result === undefined && field === shape.textAs) {
          const inner = textOf(value, fieldPath);
          if (inner !== value) result = inner;
        }
        if (result !== undefined) out[field] = result;
      }
      return out;
    }
    case 'list':
      return normaliseWrapped(value, shape, path);
  }
}

function normaliseWrapped(wrapper: unknown, shape: Extract<Shape, { kind: 'list' }>, path: string): unknown {
  if (wrapper === undefined) return undefined;
  if (wrapper === '') return [];
  if (!isRecord(wrapper)) return wrapper;
  return normaliseItems(own(wrapper, shape.element), shape, path) ?? [];
}

function normaliseItems(items: unknown, shape: Extract<Shape, { kind: 'list' }>, path: string): unknown {
  if (items === undefined) return undefined;
  if (!Array.isArray(items)) return items;
  return items.map((item, index) => normalise(item, shape.of, `${path}[${index}]`));
}
