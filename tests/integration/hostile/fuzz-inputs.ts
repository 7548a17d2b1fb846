import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

/**
 * Generated webhook requests for the fuzzing test: a body (from random bytes to real
 * notifications with a few precise mutations), a content type, and a signing plan (correct in
 * most cases, so the body reaches the parser; otherwise one precise fault). Signatures are made
 * when the request is sent, at the real time, from the plan.
 */

const fixtureDir = fileURLToPath(new URL('../../fixtures/talentlink/', import.meta.url));

export interface Template {
  name: string;
  format: 'xml' | 'json';
  text: string;
  id: string;
}

/** Every notification fixture (both formats), with the id to be replaced by a fresh one. */
export const templates: Template[] = readdirSync(fixtureDir)
  .filter((file) => /^job\..+\.(xml|json)$/.test(file))
  .map((file) => {
    const text = readFileSync(fixtureDir + file, 'utf8');
    const format = file.endsWith('.xml') ? 'xml' : 'json';
    const id = (format === 'xml' ? /<(?:\w+:)?notification\b[^>]*\sid="([^"]+)"/.exec(text) : /"id"\s*:\s*"([^"]+)"/.exec(text))?.[1];
    if (!id) throw new Error(`fuzz fixtures: no notification id in ${file}`);
    return { name: file, format, text, id };
  });

export type Signing = 'valid' | 'rotated' | 'several' | 'none' | 'partial' | 'foreign' | 'garbage' | 'stale' | 'future' | 'bad-timestamp';

export interface MediaType {
  value: string | null;
  /** The webhook route takes it (XML or JSON, UTF-8). */
  accepted: boolean;
}

export interface FuzzRequest {
  /** What kind of body this is, for the statistics. */
  kind: string;
  body: Buffer;
  /** The id the sender claims (webhook-id); the body's own id is this one unless mutated. */
  id: string;
  media: MediaType;
  signing: Signing;
  /** Which header the `partial` plan leaves out. */
  dropHeader: 'webhook-id' | 'webhook-timestamp' | 'webhook-signature';
  /** Seconds added to now for `stale` (negative) and `future`. */
  skewSeconds: number;
  headerCase: 'lower' | 'upper' | 'mixed';
  contentEncoding: string | null;
  /** A real notification sent as is, under a content type of its format (the 2xx control group). */
  pristine: boolean;
}

const xmlTypes: MediaType[] = [
  { value: 'application/xml; charset=utf-8', accepted: true },
  { value: 'application/xml', accepted: true },
  { value: 'text/xml; charset=UTF-8', accepted: true },
  { value: 'application/xml; charset="utf8"', accepted: true },
];
const jsonTypes: MediaType[] = [
  { value: 'application/json; charset=utf-8', accepted: true },
  { value: 'application/json', accepted: true },
];
const wrongTypes: MediaType[] = [
  { value: null, accepted: false },
  { value: '', accepted: false },
  { value: 'text/plain', accepted: false },
  { value: 'application/xml; charset=iso-8859-1', accepted: false },
  { value: 'application/json; charset=utf-16', accepted: false },
  { value: 'application/x-www-form-urlencoded', accepted: false },
  { value: 'multipart/form-data; boundary=----x', accepted: false },
  { value: 'application/soap+xml', accepted: false },
  { value: 'application/octet-stream', accepted: false },
  { value: 'xml', accepted: false },
];

const mediaArbitrary = (format: 'xml' | 'json' | 'any'): fc.Arbitrary<MediaType> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom(...(format === 'xml' ? xmlTypes : format === 'json' ? jsonTypes : [...xmlTypes, ...jsonTypes])) },
    { weight: 1, arbitrary: fc.constantFrom(...(format === 'xml' ? jsonTypes : format === 'json' ? xmlTypes : wrongTypes)) },
    { weight: 1, arbitrary: fc.constantFrom(...wrongTypes) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,10}\/[a-z0-9.+-]{1,20}$/).map((value) => ({ value, accepted: ['application/xml', 'text/xml', 'application/json'].includes(value) })) },
  );
// Built once: building an arbitrary (a regular expression's above all) costs far more than drawing from it.
const media = { xml: mediaArbitrary('xml'), json: mediaArbitrary('json'), any: mediaArbitrary('any') };

interface BodyDraft {
  kind: string;
  text?: string;
  bytes?: Buffer;
  format: 'xml' | 'json' | 'any';
  pristine?: boolean;
}

const withId = (template: Template, id: string) => template.text.split(template.id).join(id);
const template = (format?: 'xml' | 'json') => fc.constantFrom(...templates.filter((t) => !format || t.format === format));

/** Values no sane ATS sends: out-of-range numbers, impossible dates, huge or control-laden strings. */
const absurdValue = fc.oneof(
  fc.constantFrom(
    '-1', '1e309', '99999999999999999999999', 'NaN', 'Infinity', '0x1F', '', ' ', 'null', 'true', '[]', '{}',
    '0000-00-00T00:00:00Z', '2027-13-45T25:61:61Z', '+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00Z', '2027-01-18', '18/01/2027',
    '&#0;', '&#x1;', '&#xFFFE;', '&#x110000;', '&#99999999999;', '&amp;&lt;&gt;', '\u202Eevil', '💥'.repeat(50), 'é'.repeat(300),
    '__proto__', 'constructor', '${jndi:ldap://127.0.0.1/x}', "'; drop table inbox; --", '<script>alert(1)</script>',
  ),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.integer({ min: 1000, max: 60_000 }).map((n) => 'x'.repeat(n)),
);

const xmlFragment = fc.oneof(
  fc.constantFrom(
    '<', '>', '</job>', '<job>', '</notification>', '<notification>', '<x/>', '<x>', '</x>', '<!-- c -->', '<!--', '-->', '<![CDATA[x]]>', '<![CDATA[',
    '<?pi x?>', '<?xml version="1.0"?>', '&', '&amp;', '&foo;', '&#0;', '&#65;', '"', "'", '=', '<!DOCTYPE x>', '<!ENTITY e "x">', '<__proto__/>',
    '<constructor a="1"/>', '<lov key="CLASSIFICATION_LEVEL" value="99"/>', '<posting id="p" channel="UCANSS" status="PUBLISHED"/>', '\u0000', '\uFFFF', '\uD800',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer({ min: 1, max: 3000 }).map((depth) => `${'<d>'.repeat(depth)}${'</d>'.repeat(depth)}`),
  fc.integer({ min: 1, max: 12_000 }).map((count) => `<a${Array.from({ length: Math.min(count, 63) }, (_, i) => ` b${i}="1"`).join('')}/>`.repeat(Math.ceil(count / 63))),
);

type TextMutation = (text: string) => string;

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.tuple(fc.constantFrom('id', 'type', 'occurredAt', 'version', 'key', 'value', 'status', 'channel', 'code', 'order', 'locked', 'xmlns'), absurdValue, fc.boolean()).map(
    ([name, value, escape]) =>
      (text: string) =>
        text.replace(new RegExp(`(\\s${name}="|"${name}"\\s*:\\s*)("?)[^"]*"`), (_m, head: string, quote: string) => `${head}${quote}${escape ? value.replace(/[&<"]/g, (c) => `&#${c.charCodeAt(0)};`) : value}${quote ? '"' : ''}`),
  ),
  fc.constantFrom('job.deleted', 'job.created ', 'JOB.CREATED', 'job', 'queue.element.added', 'job.approval', 'job.*', '').map(
    (type) => (text: string) => text.replace(/(\stype="|"type"\s*:\s*")[^"]*"/, `$1${type}"`),
  ),
  fc.tuple(fc.constantFrom('jobNumber', 'openingName', 'creationDate', 'status', 'requisitionNumber'), absurdValue).map(
    ([name, value]) =>
      (text: string) =>
        text.replace(new RegExp(`(<${name}>)[^<]*(</${name}>)|("${name}"\\s*:\\s*)"[^"]*"`), (m, open?: string, close?: string, key?: string) =>
          open ? `${open}${value.replace(/[&<]/g, (c) => `&#${c.charCodeAt(0)};`)}${close}` : key ? `${key}${JSON.stringify(value)}` : m,
        ),
  ),
  fc.tuple(fc.nat(), xmlFragment).map(([at, fragment]) => (text: string) => text.slice(0, at % (text.length + 1)) + fragment + text.slice(at % (text.length + 1))),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200 })).map(([at, length]) => (text: string) => text.slice(0, at % (text.length + 1)) + text.slice((at % (text.length + 1)) + length)),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 400 })).map(([at, from, length]) => (text: string) => {
    const start = from % (text.length + 1);
    const position = at % (text.length + 1);
    return text.slice(0, position) + text.slice(start, start + length) + text.slice(position);
  }),
);

/** A JSON notification changed structurally: a field set to any JSON value, removed, or wrapped. */
const jsonMutation: fc.Arbitrary<(value: Record<string, unknown>) => unknown> = fc.oneof(
  fc.tuple(fc.constantFrom('id', 'type', 'occurredAt', 'job'), fc.jsonValue({ maxDepth: 4 })).map(([key, value]) => (n: Record<string, unknown>) => ({ ...n, [key]: value })),
  fc.tuple(fc.constantFrom('id', 'version', 'jobNumber', 'openingName', 'creationDate', 'organization', 'customFields', 'teams', 'postings', 'status', 'approvalProcess', 'publicationLock'), fc.jsonValue({ maxDepth: 3 })).map(
    ([key, value]) =>
      (n: Record<string, unknown>) => ({ ...n, job: { ...(n.job as Record<string, unknown>), [key]: value } }),
  ),
  fc.constantFrom('id', 'type', 'occurredAt', 'job').map((key) => (n: Record<string, unknown>) => Object.fromEntries(Object.entries(n).filter(([k]) => k !== key))),
  fc.constantFrom<(n: Record<string, unknown>) => unknown>((n) => [n], (n) => ({ notification: n }), (n) => JSON.stringify(n), () => null, () => 42),
);

const bodyDraft: fc.Arbitrary<(id: string) => BodyDraft> = fc.oneof(
  { weight: 6, arbitrary: template().map((t) => (id: string) => ({ kind: `valid ${t.format}`, text: withId(t, id), format: t.format, pristine: true })) },
  {
    weight: 14,
    arbitrary: fc.tuple(template(), fc.array(textMutation, { minLength: 1, maxLength: 3 })).map(([t, mutations]) => (id: string) => ({
      kind: `mutated ${t.format}`,
      text: mutations.reduce((text, mutate) => mutate(text), withId(t, id)),
      format: t.format,
    })),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(template('json'), fc.array(jsonMutation, { minLength: 1, maxLength: 3 })).map(([t, mutations]) => (id: string) => ({
      kind: 'restructured json',
      text: JSON.stringify(mutations.reduce<unknown>((value, mutate) => (typeof value === 'object' && value !== null && !Array.isArray(value) ? mutate(value as Record<string, unknown>) : value), JSON.parse(withId(t, id)))),
      format: 'json' as const,
    })),
  },
  {
    weight: 4,
    arbitrary: fc.tuple(template(), fc.double({ min: 0, max: 1, noNaN: true })).map(([t, cut]) => (id: string) => {
      const text = withId(t, id);
      return { kind: 'truncated', text: text.slice(0, Math.floor(text.length * cut)), format: t.format };
    }),
  },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 4096 }).map((bytes) => () => ({ kind: 'random bytes', bytes: Buffer.from(bytes), format: 'any' as const })) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 2000 }).map((text) => () => ({ kind: 'random text', text, format: 'any' as const })) },
  {
    weight: 2,
    arbitrary: fc.array(fc.oneof(xmlFragment, fc.constantFrom('<notification xmlns="urn:talentlink-style:notification:1" ', 'id="x" ', 'type="job.created">', '<job id="1" version="1">', ' ')), { maxLength: 40 }).map(
      (parts) => () => ({ kind: 'xml-like tokens', text: parts.join(''), format: 'xml' as const }),
    ),
  },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 6 }).map((value) => () => ({ kind: 'random json', text: JSON.stringify(value) ?? 'undefined', format: 'json' as const })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.integer({ min: 33, max: 20_000 }), fc.constantFrom('[', '{"a":')).map(([depth, open]) => () => ({
      kind: 'deep json',
      text: `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`,
      format: 'json' as const,
    })),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(template('xml'), fc.constantFrom('utf16le', 'latin1', 'declared', 'bom16')).map(([t, encoding]) => (id: string) => {
      const text = withId(t, id).replace('<openingName>', '<openingName>Médecin-conseil régional ');
      if (encoding === 'declared') return { kind: 'wrong encoding', text: text.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), format: 'xml' as const };
      const bytes = encoding === 'bom16' ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]) : Buffer.from(text, encoding as BufferEncoding);
      return { kind: 'wrong encoding', bytes, format: 'xml' as const };
    }),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(template('xml'), fc.integer({ min: 1, max: 2 * 1024 * 1024 })).map(([t, extra]) => (id: string) => ({
      kind: 'huge',
      text: withId(t, id).replace('<openingName>', `<openingName>${'Directeur '.repeat(Math.ceil((1024 * 1024 - 1000 + extra) / 10))}`),
      format: 'xml' as const,
    })),
  },
);

const signing: fc.Arbitrary<Signing> = fc.oneof(
  { weight: 20, arbitrary: fc.constant<Signing>('valid') },
  { weight: 2, arbitrary: fc.constantFrom<Signing>('rotated', 'several') },
  { weight: 4, arbitrary: fc.constantFrom<Signing>('none', 'partial', 'foreign', 'garbage', 'stale', 'future', 'bad-timestamp') },
);

export function fuzzRequest(idPrefix: string): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      draft: bodyDraft,
      suffix: fc.uuid(),
      signing,
      dropHeader: fc.constantFrom('webhook-id', 'webhook-timestamp', 'webhook-signature') as fc.Arbitrary<FuzzRequest['dropHeader']>,
      // Well past the 300 s tolerance: a second may tick between signing and checking.
      skew: fc.integer({ min: 310, max: 10_000_000 }),
      headerCase: fc.constantFrom<FuzzRequest['headerCase']>('lower', 'lower', 'upper', 'mixed'),
      contentEncoding: fc.oneof({ weight: 30, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br') }),
    })
    .chain((r) => {
      const id = `${idPrefix}-${r.suffix}`;
      const draft = r.draft(id);
      return media[draft.format].map((mediaType) => {
        const body = draft.bytes ?? Buffer.from(draft.text ?? '', 'utf8');
        return {
          kind: draft.kind,
          body,
          id,
          media: mediaType,
          signing: r.signing,
          dropHeader: r.dropHeader,
          skewSeconds: r.signing === 'stale' ? -r.skew : r.skew,
          headerCase: r.headerCase,
          contentEncoding: r.contentEncoding,
          pristine: draft.pristine === true && (draft.format === 'xml' ? xmlTypes : jsonTypes).includes(mediaType),
        };
      });
    });
}
