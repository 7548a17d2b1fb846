/**
 * Locates the first syntax error of a text that `JSON.parse` refused. Node 20's messages only
 * sometimes carry a position ("Unexpected token '}', … is not valid JSON" does not), and the
 * ATS needs to be told where its body is wrong. Only run on the error path, iteratively (an
 * explicit stack), so no input can exhaust the call stack.
 */

export interface JsonSyntaxError {
  offset: number;
  reason: string;
}

type State = 'value' | 'valueOrEnd' | 'key' | 'keyOrEnd' | 'colon' | 'after';

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const escapes = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

function describe(text: string, offset: number): string {
  if (offset >= text.length) return 'fin du texte inattendue';
  return `caractère inattendu ${JSON.stringify(text[offset])}`;
}

/** End offset (exclusive) of the string starting at `start`, or the error inside it. */
function scanString(text: string, start: number): number | JsonSyntaxError {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 0x20) return { offset: i, reason: 'caractère de contrôle dans une chaîne' };
    if (c === 92) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, reason: 'séquence \\u invalide' };
        i += 5;
      } else if (next !== undefined && escapes.has(next)) i++;
      else return { offset: i, reason: 'séquence d’échappement invalide' };
    }
  }
  return { offset: text.length, reason: 'chaîne non terminée' };
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** The first syntax error, or `undefined` when the text is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const stack: Array<'{' | '['> = [];
  let state: State = 'value';
  let i = 0;
  for (;;) {
    while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
    if (i >= text.length) {
      return state === 'after' && stack.length === 0 ? undefined : { offset: i, reason: describe(text, i) };
    }
    const c = text[i];
    if (state === 'valueOrEnd' && c === ']') {
      stack.pop();
      i++;
      state = 'after';
    } else if (state === 'value' || state === 'valueOrEnd') {
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        state = c === '{' ? 'keyOrEnd' : 'valueOrEnd';
      } else if (c === '"') {
        const end = scanString(text, i);
        if (typeof end !== 'number') return end;
        i = end;
        state = 'after';
      } else {
        const literal = ['true', 'false', 'null'].find((word) => text.startsWith(word, i));
        numberPattern.lastIndex = i;
        if (literal) i += literal.length;
        else if (numberPattern.test(text)) i = numberPattern.lastIndex;
        else return { offset: i, reason: describe(text, i) };
        state = 'after';
      }
    } else if (state === 'keyOrEnd' && c === '}') {
      stack.pop();
      i++;
      state = 'after';
    } else if (state === 'key' || state === 'keyOrEnd') {
      if (c !== '"')
        return { offset: i, reason: `${describe(text, i)}, attendu un nom de propriété entre guillemets doubles` };
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      state = 'colon';
    } else if (state === 'colon') {
      if (c !== ':') return { offset: i, reason: `${describe(text, i)}, attendu ':'` };
      i++;
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (top === undefined) return { offset: i, reason: `${describe(text, i)} après la fin du document` };
      if (c === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
        stack.pop();
        i++;
      } else {
        return { offset: i, reason: `${describe(text, i)}, attendu ',' ou '${top === '{' ? '}' : ']'}'` };
      }
    }
  }
}
