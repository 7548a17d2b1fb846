import { fail, failAt, type Failure } from './payload-errors.js';

/**
 * Checks made on the raw body before any parser sees it. They are linear scans without
 * recursion, so a hostile body (a billion-laughs DTD, 100,000 nested elements) is refused in
 * milliseconds instead of reaching a parser that could blow up or blow the stack.
 */

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_DEPTH = 32;
export const MAX_ATTRIBUTES_PER_ELEMENT = 64;
export const MAX_ATTRIBUTES_TOTAL = 10_000;

export type BodyFormat = 'xml' | 'json';

/** `application/xml; charset=utf-8` → `xml`; anything but XML or JSON in UTF-8 is refused. */
export function formatOfContentType(contentType: string): { ok: true; format: BodyFormat } | Failure {
  const [rawType = '', ...params] = contentType.split(';');
  const type = rawType.trim().toLowerCase();
  let format: BodyFormat | undefined;
  if (type === 'application/xml' || type === 'text/xml' || /^application\/[a-z0-9.+-]+\+xml$/.test(type))
    format = 'xml';
  else if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) format = 'json';
  if (!format) {
    return fail(
      'UNSUPPORTED_MEDIA_TYPE',
      `type de contenu ${type === '' ? '(aucun)' : JSON.stringify(type)} non pris en charge, ` +
        `attendu application/xml ou application/json`,
    );
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      return fail(
        'UNSUPPORTED_MEDIA_TYPE',
        `jeu de caractères ${JSON.stringify(charset)} non pris en charge, attendu utf-8`,
      );
    }
  }
  return { ok: true, format };
}

export function checkSize(body: Buffer | string): Failure | undefined {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (bytes > MAX_BODY_BYTES) {
    return fail('TOO_LARGE', `le corps fait ${bytes} octets, la limite est ${MAX_BODY_BYTES} octets (1 Mio)`);
  }
  return undefined;
}

/** Strict UTF-8 decoding; a leading byte order mark is dropped. */
export function decodeUtf8(body: Buffer | string): { ok: true; text: string } | Failure {
  if (typeof body === 'string') return { ok: true, text: body.charCodeAt(0) === 0xfeff ? body.slice(1) : body };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    const offset = firstInvalidUtf8Byte(body);
    return fail(
      'INVALID_ENCODING',
      `le corps n’est pas de l’UTF-8 valide (premier octet invalide à la position ${offset})`,
      { offset },
    );
  }
}

/**
 * Start of the first invalid sequence. A streaming decoder keeps an incomplete trailing
 * sequence for later instead of failing, so failure is monotonic in the prefix length and a
 * binary search finds the longest prefix that still decodes; the culprit is either the byte
 * after it or a sequence that prefix left pending.
 */
function firstInvalidUtf8Byte(body: Buffer): number {
  let good = 0;
  let bad = body.byteLength;
  while (bad - good > 1) {
    const mid = Math.floor((good + bad) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, mid), { stream: true });
      good = mid;
    } catch {
      bad = mid;
    }
  }
  let lead = good;
  while (lead > 0 && good - lead < 3 && ((body[lead - 1] ?? 0) & 0xc0) === 0x80) lead--;
  const leadByte = body[lead - 1] ?? 0;
  const expected = leadByte >= 0xf0 ? 4 : leadByte >= 0xe0 ? 3 : leadByte >= 0xc0 ? 2 : 1;
  return lead > 0 && good - (lead - 1) < expected ? lead - 1 : good;
}

/**
 * Any `<!DOCTYPE` or `<!ENTITY` anywhere, even inside a comment or CDATA: the notification
 * contract has no use for a DTD, and refusing them all leaves no room for a parser quirk.
 */
export function checkNoDoctype(text: string): Failure | undefined {
  const match = /<!\s*(doctype|entity)/i.exec(text);
  if (!match) return undefined;
  const what = match[1]?.toUpperCase() === 'ENTITY' ? '<!ENTITY' : '<!DOCTYPE';
  return failAt(
    'DOCTYPE_FORBIDDEN',
    `${what} interdit (aucune DTD ni déclaration d’entité n’est acceptée)`,
    text,
    match.index,
  );
}

/** An XML declaration may only announce UTF-8, the encoding the body was decoded with. */
export function checkDeclaredEncoding(text: string): Failure | undefined {
  const declaration = /^\s*<\?xml\b[^?]*\bencoding\s*=\s*["']([^"']*)["']/.exec(text);
  const declared = declaration?.[1];
  if (declared === undefined || /^utf-?8$/i.test(declared)) return undefined;
  return fail(
    'INVALID_ENCODING',
    `la déclaration XML annonce encoding="${declared.slice(0, 40)}", seul UTF-8 est accepté`,
    {
      line: 1,
    },
  );
}

/** Nesting of `{`/`[` outside strings; refuses beyond `MAX_DEPTH` before `JSON.parse` runs. */
export function checkJsonDepth(text: string): Failure | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_DEPTH) return failAt('TOO_DEEP', `imbrication de plus de ${MAX_DEPTH} niveaux`, text, i);
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return undefined;
}
