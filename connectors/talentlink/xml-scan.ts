import { failAt, type Failure } from './payload-errors.js';
import { MAX_ATTRIBUTES_PER_ELEMENT, MAX_ATTRIBUTES_TOTAL, MAX_DEPTH } from './payload-guards.js';

/**
 * A single linear pass over the XML text, before fast-xml-parser sees it, to enforce what the
 * parser does not (or not cheaply): nesting depth, attribute counts, one root element, and no
 * element or attribute named after an Object.prototype hook. It also records the root's own
 * attributes, because `removeNSPrefix` makes the parser drop the `xmlns` declarations that the
 * namespace check needs. It is no validator: on malformed input it steps aside and leaves the
 * diagnosis to `XMLValidator`, which runs next.
 */

/** Names that would reach `Object.prototype` machinery if they ever became object keys. */
export const forbiddenNames: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface XmlRoot {
  qname: string;
  localName: string;
  prefix: string | undefined;
  /** Raw attribute values of the root element (no entity decoding). */
  attributes: Map<string, string>;
  /** Offset of the root's `<` in the text. */
  offset: number;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const endsTagName = (c: number) => isSpace(c) || c === 47 /* / */ || c === 62; /* > */
const endsAttributeName = (c: number) => endsTagName(c) || c === 61; /* = */
const localPart = (qname: string) => qname.slice(qname.indexOf(':') + 1);

function skipSpaces(text: string, from: number): number {
  let j = from;
  while (j < text.length && isSpace(text.charCodeAt(j))) j++;
  return j;
}

export function scanXml(text: string): { ok: true; root: XmlRoot | undefined } | Failure {
  let depth = 0;
  let totalAttributes = 0;
  let root: XmlRoot | undefined;
  let i = 0;
  const n = text.length;
  const skipTo = (terminator: string, from: number) => {
    const end = text.indexOf(terminator, from);
    return end < 0 ? n : end + terminator.length;
  };
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) i = skipTo('-->', i + 4);
    else if (text.startsWith('<![CDATA[', i)) i = skipTo(']]>', i + 9);
    else if (text.startsWith('<?', i)) i = skipTo('?>', i + 2);
    else if (text.startsWith('<!', i)) i += 2;
    else if (text.charCodeAt(i + 1) === 47 /* / */) {
      depth = Math.max(0, depth - 1);
      i = skipTo('>', i + 2);
    } else {
      let j = i + 1;
      while (j < n && !endsTagName(text.charCodeAt(j))) j++;
      const qname = text.slice(i + 1, j);
      if (qname === '') {
        i = j;
        continue;
      }
      if (forbiddenNames.has(localPart(qname))) {
        return failAt('FORBIDDEN_NAME', `nom d’élément « ${qname} » interdit`, text, i);
      }
      const attributes = depth === 0 && !root ? new Map<string, string>() : undefined;
      let count = 0;
      let closed = false;
      let selfClosing = false;
      while (j < n) {
        j = skipSpaces(text, j);
        const c = text.charCodeAt(j);
        if (c === 62) {
          j++;
          closed = true;
          break;
        }
        if (c === 47 && text.charCodeAt(j + 1) === 62) {
          j += 2;
          closed = selfClosing = true;
          break;
        }
        const nameStart = j;
        while (j < n && !endsAttributeName(text.charCodeAt(j))) j++;
        const name = text.slice(nameStart, j);
        if (name === '') {
          j++;
          continue;
        }
        if (forbiddenNames.has(localPart(name))) {
          return failAt('FORBIDDEN_NAME', `nom d’attribut « ${name} » interdit`, text, nameStart);
        }
        if (++count > MAX_ATTRIBUTES_PER_ELEMENT) {
          return failAt(
            'TOO_MANY_ATTRIBUTES',
            `plus de ${MAX_ATTRIBUTES_PER_ELEMENT} attributs sur <${qname}>`,
            text,
            nameStart,
          );
        }
        if (++totalAttributes > MAX_ATTRIBUTES_TOTAL) {
          return failAt(
            'TOO_MANY_ATTRIBUTES',
            `plus de ${MAX_ATTRIBUTES_TOTAL} attributs dans le document`,
            text,
            nameStart,
          );
        }
        j = skipSpaces(text, j);
        if (text.charCodeAt(j) !== 61) continue;
        j = skipSpaces(text, j + 1);
        const quote = text[j];
        if (quote !== '"' && quote !== "'") continue;
        const end = text.indexOf(quote, j + 1);
        if (end < 0) {
          j = n;
          break;
        }
        attributes?.set(name, text.slice(j + 1, end));
        j = end + 1;
      }
      if (!closed) break;
      if (depth === 0) {
        if (root) return failAt('MALFORMED_XML', `un second élément racine <${qname}> est interdit`, text, i);
        const colon = qname.indexOf(':');
        root = {
          qname,
          localName: localPart(qname),
          prefix: colon < 0 ? undefined : qname.slice(0, colon),
          attributes: attributes ?? new Map(),
          offset: i,
        };
      }
      if (!selfClosing && ++depth > MAX_DEPTH) {
        return failAt('TOO_DEEP', `éléments imbriqués sur plus de ${MAX_DEPTH} niveaux`, text, i);
      }
      i = j;
    }
  }
  return { ok: true, root };
}

/** The namespace URI the root element is in, from its own `xmlns` or `xmlns:prefix` declaration. */
export function rootNamespace(root: XmlRoot): string | undefined {
  return root.attributes.get(root.prefix === undefined ? 'xmlns' : `xmlns:${root.prefix}`);
}
