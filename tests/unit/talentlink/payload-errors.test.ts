import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_DEPTH,
  parseJobDocument,
  parseNotification,
  type PayloadErrorCode,
} from '../../../connectors/talentlink/payload.js';

const fixtures = fileURLToPath(new URL('../../fixtures/talentlink/', import.meta.url));
const sampleXml = readFileSync(`${fixtures}spec-sample-notification-approval-decided.xml`, 'utf8');
const sampleJson = readFileSync(`${fixtures}job.approval.decided--carsat-alsace-moselle.json`, 'utf8');
const NS = 'urn:talentlink-style:notification:1';

function errorOf(result: ReturnType<typeof parseNotification> | ReturnType<typeof parseJobDocument>) {
  if (result.ok) throw new Error('expected a failure, got a parsed document');
  return result.error;
}
const xmlError = (text: string | Buffer) => errorOf(parseNotification(text, 'application/xml'));
const jsonError = (text: string | Buffer) => errorOf(parseNotification(text, 'application/json'));

describe('content type, size and encoding', () => {
  it.each(['text/plain', '', 'application/x-www-form-urlencoded', 'application/xml; charset=iso-8859-1'])(
    'refuses content type %j',
    (contentType) => {
      const error = errorOf(parseNotification(sampleXml, contentType));
      expect(error.code).toBe<PayloadErrorCode>('UNSUPPORTED_MEDIA_TYPE');
      expect(error.message).toMatch(/type de contenu|jeu de caractères/);
    },
  );

  it('accepts the usual spellings of XML and JSON with a UTF-8 charset', () => {
    for (const type of ['application/xml', 'text/xml; charset=UTF-8', 'Application/XML;charset="utf-8"']) {
      expect(parseNotification(sampleXml, type).ok, type).toBe(true);
    }
    expect(parseNotification(sampleJson, 'application/json; charset=utf-8').ok).toBe(true);
  });

  it('refuses a body over 1 MiB with TOO_LARGE', () => {
    const body = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const error = errorOf(parseNotification(body, 'application/json'));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('1048577 octets');
  });

  it('refuses a body that is not UTF-8 and says at which byte', () => {
    const latin1 = Buffer.from(sampleXml.replace('encoding="UTF-8"', 'encoding="UTF-8"'), 'latin1');
    const error = xmlError(latin1);
    expect(error.code).toBe('INVALID_ENCODING');
    expect(error.where?.offset).toBe(Buffer.from(sampleXml, 'latin1').indexOf(0xe9));
  });

  it('refuses an XML declaration announcing another encoding', () => {
    const error = xmlError(sampleXml.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'));
    expect(error).toMatchObject({ code: 'INVALID_ENCODING' });
    expect(error.message).toContain('ISO-8859-1');
  });

  it('ignores a UTF-8 byte order mark', () => {
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sampleXml)]);
    expect(parseNotification(withBom, 'application/xml').ok).toBe(true);
  });
});

describe('hostile XML is refused before parsing', () => {
  const billionLaughs =
    `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<notification xmlns="${NS}" id="x" type="job.created" ` +
    `occurredAt="2027-01-01T00:00:00Z"><job>&lol9;</job></notification>`;

  it('billion laughs: DOCTYPE_FORBIDDEN, located', () => {
    const error = xmlError(billionLaughs);
    expect(error.code).toBe('DOCTYPE_FORBIDDEN');
    expect(error.where).toMatchObject({ line: 2, column: 1 });
    expect(error.message).toContain('ligne 2, colonne 1');
  });

  it.each([
    ['lower case doctype', `<!doctype notification SYSTEM "file:///etc/passwd"><notification xmlns="${NS}"/>`],
    ['an entity declaration alone', `<notification xmlns="${NS}"><!ENTITY x "y"></notification>`],
    ['a doctype hidden in a comment', `<!-- <!DOCTYPE x> --><notification xmlns="${NS}"/>`],
    [
      'an external entity (XXE)',
      `<?xml version="1.0"?><!DOCTYPE n [<!ENTITY xxe SYSTEM "http://169.254.169.254/">]><n>&xxe;</n>`,
    ],
  ])('%s', (_name, text) => {
    expect(xmlError(text).code).toBe('DOCTYPE_FORBIDDEN');
  });

  it('refuses 100,000 nested elements with TOO_DEEP, in milliseconds', () => {
    const deep = `<notification xmlns="${NS}">${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}</notification>`;
    const started = performance.now();
    const error = xmlError(deep);
    const elapsed = performance.now() - started;
    expect(error.code).toBe('TOO_DEEP');
    expect(error.message).toContain(`${MAX_DEPTH} niveaux`);
    expect(error.where?.line).toBe(1);
    expect(elapsed).toBeLessThan(100);
  });

  it('refuses 100,000 nested JSON arrays with TOO_DEEP, in milliseconds', () => {
    const deep = `{"job":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const started = performance.now();
    const error = jsonError(deep);
    expect(performance.now() - started).toBeLessThan(100);
    expect(error).toMatchObject({ code: 'TOO_DEEP', where: { line: 1 } });
  });

  it('does not count brackets inside JSON strings as nesting', () => {
    const text = sampleJson.replace('"Chargé d\'études statistiques"', JSON.stringify('['.repeat(500)));
    expect(parseNotification(text, 'application/json').ok).toBe(true);
  });

  it('refuses more than 64 attributes on one element', () => {
    const attrs = Array.from({ length: 65 }, (_, i) => ` a${i}="x"`).join('');
    const error = xmlError(sampleXml.replace('<job id="48213"', `<job${attrs} id="48213"`));
    expect(error.code).toBe('TOO_MANY_ATTRIBUTES');
    expect(error.message).toMatch(/plus de 64 attributs sur <job> \(ligne 3, colonne \d+\)/);
  });

  it('refuses more than 10,000 attributes in the document', () => {
    const element = `<lov ${Array.from({ length: 50 }, (_, i) => `a${i}="x"`).join(' ')}/>`;
    const error = xmlError(sampleXml.replace('<customFields>', `<customFields>${element.repeat(201)}`));
    expect(error.code).toBe('TOO_MANY_ATTRIBUTES');
    expect(error.message).toContain('10000 attributs dans le document');
  });
});

describe('malformed documents say where', () => {
  it('an unclosed XML element: MALFORMED_XML with line and column', () => {
    const error = xmlError(sampleXml.replace('</status>', '</statut>'));
    expect(error.code).toBe('MALFORMED_XML');
    expect(error.where?.line).toBe(30);
    expect(error.where?.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/ligne 30, colonne 17/);
    // In French, naming the element; the validator's English sentence is not passed on.
    expect(error.message).toMatch(/^XML mal formé : balise invalide ou mal fermée \(« [a-z]+ »\)/);
    expect(error.message).not.toMatch(/\b(expected|closing|tag|is)\b/);
  });

  it('an undefined entity (no DTD can define one): MALFORMED_XML naming the field', () => {
    const error = xmlError(sampleXml.replace("Chargé d'études", 'Chargé&nbsp;d’études'));
    expect(error).toMatchObject({ code: 'MALFORMED_XML', where: { path: 'job.openingName' } });
    expect(error.message).toBe(
      'XML mal formé : entité &nbsp; non définie dans job.openingName (sans DTD, seuls &lt; &gt; ' +
        '&amp; &quot; &apos; et les références de caractères existent)',
    );
  });

  it('character references are decoded', () => {
    const result = parseNotification(
      sampleXml.replace("Chargé d'études", 'Charg&#233; d&#x2019;&#xE9;tudes'),
      'application/xml',
    );
    expect(result.ok && result.kind === 'notification' && result.notification.job.openingName).toBe(
      'Chargé d’études statistiques',
    );
  });

  it('two root elements: MALFORMED_XML', () => {
    const error = xmlError(`${sampleXml}<notification xmlns="${NS}"/>`);
    expect(error.code).toBe('MALFORMED_XML');
    expect(error.message).toContain('second élément racine');
  });

  it('JSON with a missing value: MALFORMED_JSON with position, line and column', () => {
    const text = '{\n  "id": "evt-1",\n  "type": ,\n}';
    const error = jsonError(text);
    expect(error.code).toBe('MALFORMED_JSON');
    expect(error.where).toEqual({ line: 3, column: 11, offset: text.indexOf(' ,') + 1 });
    expect(error.message).toBe('JSON mal formé : caractère inattendu "," (ligne 3, colonne 11)');
  });

  it.each([
    ['{"id": "a"', 'fin du texte inattendue'],
    ['{"id": "a"} x', 'après la fin du document'],
    ["{'id': 1}", 'attendu un nom de propriété'],
    ['{"id" 1}', "attendu ':'"],
    ['[1, 2,]', 'caractère inattendu "]"'],
    ['', 'fin du texte inattendue'],
  ])('JSON %j → %s', (text, reason) => {
    const error = jsonError(text);
    expect(error.code).toBe('MALFORMED_JSON');
    expect(error.message).toContain(reason);
    expect(error.where?.offset).toBeTypeOf('number');
  });
});

describe('validation errors name the path and what was expected', () => {
  it('a bad step status, from XML and from JSON, with the same message', () => {
    const fromXml = xmlError(sampleXml.replace('status="APPROVED" decidedAt', 'status="OK" decidedAt'));
    const json = JSON.parse(sampleJson);
    json.job.approvalProcess.steps[0].status = 'OK';
    const fromJson = jsonError(JSON.stringify(json));
    const expected =
      'job.approvalProcess.steps[0].status : attendu l’une des valeurs PENDING|APPROVED|REJECTED, reçu "OK"';
    expect(fromXml).toEqual({
      code: 'INVALID_NOTIFICATION',
      message: expected,
      where: { path: 'job.approvalProcess.steps[0].status' },
    });
    expect(fromJson).toEqual(fromXml);
  });

  it('a lock that is neither true nor false', () => {
    const error = xmlError(sampleXml.replace('locked="false"', 'locked="yes"'));
    expect(error.message).toBe('job.publicationLock.locked : attendu true ou false, reçu "yes"');
  });

  it('a version that is not a number, and how many more problems there are', () => {
    const error = xmlError(
      sampleXml.replace('version="5"', 'version="v5"').replace('<status>OPEN</status>', '<status>OUVERT</status>'),
    );
    expect(error.code).toBe('INVALID_NOTIFICATION');
    expect(error.message).toBe('job.version : attendu un nombre, reçu "v5" (et 1 autre(s) problème(s))');
  });

  it('a missing field of a bare job: INVALID_JOB', () => {
    const job = JSON.parse(readFileSync(`${fixtures}spec-sample-job-48213.json`, 'utf8'));
    delete job.jobNumber;
    const error = errorOf(parseJobDocument(JSON.stringify(job), 'json'));
    expect(error).toEqual({
      code: 'INVALID_JOB',
      message: 'job.jobNumber : attendu un texte, reçu rien',
      where: { path: 'job.jobNumber' },
    });
  });

  it('a bad date in a bare <job> element', () => {
    const jobXml = sampleXml.slice(sampleXml.indexOf('<job '), sampleXml.indexOf('</notification>'));
    expect(parseJobDocument(jobXml, 'xml').ok).toBe(true);
    const error = errorOf(parseJobDocument(jobXml.replace('2027-01-10T08:12:00Z', '10/01/2027'), 'auto'));
    expect(error.message).toBe(
      'job.creationDate : attendu un instant ISO 8601 avec son décalage ou Z, reçu "10/01/2027"',
    );
  });

  it('an unknown event type: UNKNOWN_EVENT_TYPE', () => {
    const error = xmlError(sampleXml.replace('type="job.approval.decided"', 'type="job.deleted"'));
    expect(error.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(error.message).toContain('"job.deleted"');
    expect(error.where).toEqual({ path: 'type' });
    expect(jsonError(sampleJson.replace('"job.approval.decided"', '"JOB_APPROVED_EVENT"')).code).toBe(
      'UNKNOWN_EVENT_TYPE',
    );
  });

  it('a root outside the notification namespace: NAMESPACE_MISMATCH', () => {
    const none = xmlError(sampleXml.replace(` xmlns="${NS}"`, ''));
    expect(none.code).toBe('NAMESPACE_MISMATCH');
    expect(none.message).toContain('sans espace de noms');
    const other = xmlError(sampleXml.replace(NS, 'urn:talentlink-style:notification:2'));
    expect(other).toMatchObject({ code: 'NAMESPACE_MISMATCH', where: { line: 2, column: 1 } });
  });

  it('another root element: INVALID_NOTIFICATION', () => {
    const error = xmlError(`<event xmlns="${NS}" id="1"/>`);
    expect(error.code).toBe('INVALID_NOTIFICATION');
    expect(error.message).toContain('élément racine <notification> attendu, reçu <event>');
  });

  it('parseJobDocument refuses what is neither XML nor JSON', () => {
    expect(errorOf(parseJobDocument('jobNumber=1', 'auto')).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('an XML queue alert is read like the JSON one', () => {
    const alert = parseNotification(
      `<notification xmlns="${NS}" id="a-1" type="queue.element.added" queueName="en3s"/>`,
      'application/xml',
    );
    expect(alert).toEqual({
      ok: true,
      kind: 'queue-alert',
      alert: { id: 'a-1', type: 'queue.element.added', queueName: 'en3s' },
    });
    expect(jsonError('{"type": "queue.element.added"}')).toMatchObject({
      code: 'INVALID_NOTIFICATION',
      where: { path: 'queueName' },
    });
  });
});

describe('prototype pollution attempts are harmless', () => {
  it.each([
    [
      'an element named __proto__',
      sampleXml.replace('<status>', '<__proto__><polluted>yes</polluted></__proto__><status>'),
    ],
    ['an attribute named constructor', sampleXml.replace('<job id="48213"', '<job constructor="x" id="48213"')],
    ['a prefixed element named prototype', sampleXml.replace('<status>', '<x:prototype xmlns:x="urn:x"/><status>')],
  ])('XML: %s is refused with FORBIDDEN_NAME', (_name, text) => {
    const error = xmlError(text);
    expect(error.code).toBe('FORBIDDEN_NAME');
    expect(error.message).toMatch(/interdit \(ligne \d+, colonne \d+\)/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('XML: names that shadow Object.prototype methods never reach the document', () => {
    const result = parseNotification(
      sampleXml.replace('<job id="48213"', '<job toString="x" hasOwnProperty="y" id="48213"'),
      'application/xml',
    );
    if (!result.ok || result.kind !== 'notification') throw new Error('expected a notification');
    expect(Object.keys(result.notification.job)).not.toContain('toString');
    expect(typeof result.notification.job.toString).toBe('function');
  });

  it('JSON: __proto__ and constructor keys are dropped by the schema and pollute nothing', () => {
    const text = sampleJson
      .replace('{', '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}},')
      .replace('"jobNumber"', '"__proto__": {"isAdmin": true}, "jobNumber"')
      .replace('{ "key": "CLASSIFICATION_GRID"', '{ "__proto__": {"value": "9"}, "key": "CLASSIFICATION_GRID"');
    expect(JSON.parse(text)).toHaveProperty('__proto__');
    const result = parseNotification(text, 'application/json');
    if (!result.ok || result.kind !== 'notification') throw new Error('expected a notification');
    for (const object of [result.notification, result.notification.job, result.notification.job.customFields[0]]) {
      expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
      expect(Object.getOwnPropertyNames(object)).not.toContain('__proto__');
      expect(Object.getOwnPropertyNames(object)).not.toContain('constructor');
    }
    expect(result.notification.job.customFields[0]).toEqual({ key: 'CLASSIFICATION_GRID', value: 'RG' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

describe('never throws', () => {
  it('on arbitrary text, as XML or JSON', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom('application/xml', 'application/json'),
        (text, type) => {
          const result = parseNotification(text, type);
          expect(typeof result.ok).toBe('boolean');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('on damaged copies of a real notification', () => {
    fc.assert(
      fc.property(fc.nat(sampleXml.length), fc.nat(40), fc.string({ maxLength: 5 }), (at, cut, insert) => {
        const xml = sampleXml.slice(0, at) + insert + sampleXml.slice(at + cut);
        const json = sampleJson.slice(0, at) + insert + sampleJson.slice(at + cut);
        expect(typeof parseNotification(xml, 'application/xml').ok).toBe('boolean');
        expect(typeof parseNotification(json, 'application/json').ok).toBe('boolean');
        expect(typeof parseJobDocument(xml, 'auto').ok).toBe('boolean');
      }),
      { numRuns: 1000 },
    );
  });

  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = parseNotification(Buffer.from(bytes), 'application/xml');
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

describe('the offset of invalid UTF-8 is the start of the bad sequence', () => {
  it.each([
    ['a lone continuation byte', [0x61, 0x80, 0x62], 1],
    ['a lead byte followed by ASCII', [0x61, 0xc3, 0xa9, 0xe9, 0x74], 3],
    ['an impossible byte after a complete sequence', [0xc3, 0xa9, 0xff], 2],
    ['a truncated four-byte sequence at the end', [0x61, 0xf0, 0x9f, 0x98], 1],
  ])('%s', (_name, bytes, offset) => {
    const error = errorOf(parseNotification(Buffer.from(bytes), 'application/json'));
    expect(error).toMatchObject({ code: 'INVALID_ENCODING', where: { offset } });
  });
});
