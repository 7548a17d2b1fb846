/**
 * Finds English words in what an administrator reads (a dashboard page, a CLI message), outside
 * code and identifiers. Code, preformatted text, attributes (a `title` may hold the raw code
 * for support), URLs, option flags, file names and identifiers (snake_case, camelCase,
 * UPPER_CODES) are removed first; the remaining words are looked up in a short list of common
 * English words that are not also French words.
 */

/**
 * Common English words that are not French, chosen from what commander, Node, zod and the ATS
 * write by themselves (usage, default, missing, expected, got…) and the function words of any
 * English sentence (the, and, of, is, with…). Left out on purpose: words that are also French
 * (option, argument, file — une file d'attente —, global, but, date, job, message, or, on, an,
 * plan, total, type…). `usage` and `sent` are French too, but rare in this project's French
 * and what commander and the dispatcher wrote in English: kept.
 */
export const ENGLISH_WORDS = new Set(
  [
    // function words
    'the',
    'and',
    'of',
    'is',
    'are',
    'was',
    'were',
    'be',
    'been',
    'with',
    'without',
    'for',
    'from',
    'to',
    'this',
    'that',
    'these',
    'those',
    'it',
    'its',
    'by',
    'at',
    'into',
    'not',
    'no',
    'yes',
    'if',
    'when',
    'which',
    'who',
    'has',
    'have',
    'had',
    'should',
    'must',
    'cannot',
    'can',
    'could',
    'will',
    'would',
    'only',
    'each',
    'every',
    'than',
    'then',
    'there',
    'here',
    'all',
    'any',
    'none',
    'one',
    'two',
    'after',
    'before',
    'since',
    'until',
    'yet',
    'still',
    'also',
    'you',
    'your',
    // what tools and libraries print
    'usage',
    'command',
    'commands',
    'display',
    'help',
    'default',
    'missing',
    'unknown',
    'invalid',
    'required',
    'expected',
    'got',
    'error',
    'errors',
    'failed',
    'failure',
    'sent',
    'send',
    'found',
    'too',
    'many',
    'mean',
    'did',
    'value',
    'values',
    'empty',
    'string',
    'number',
    'object',
    'array',
    'line',
    'column',
    'unexpected',
    'character',
    'text',
    'neither',
    'nor',
    'either',
    'start',
    'starts',
    'end',
    'open',
    'closed',
    'retry',
    'retried',
    'retrying',
    'attempt',
    'attempts',
    'waiting',
    'pending',
    'done',
    'skipped',
    'timeout',
    'timed',
    'out',
    'over',
    'limit',
    'request',
    'response',
    'user',
    'users',
    'company',
    'approver',
    'approvers',
    'submitted',
    'published',
    'unpublished',
    'posted',
    'level',
    'field',
    'fields',
    'problem',
    'problems',
    'more',
    'less',
    'set',
    'read',
    'write',
    'written',
    'choices',
    'preset',
    'env',
    'show',
    'list',
    'run',
    'new',
    'old',
    'now',
    'today',
    'never',
  ].map((w) => w.toLowerCase()),
);

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
  '#61': '=',
};

/** The text of an HTML page a reader sees, without code, preformatted text nor attributes. */
export function readableHtmlText(html: string): string {
  return html
    .replace(/<(script|style|code|pre|kbd|samp)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(
      /&(#?\w+);/g,
      (_, name: string) => ENTITIES[name] ?? (name.startsWith('#') ? String.fromCodePoint(Number(name.slice(1))) : ' '),
    );
}

/** Whether a token is an identifier, a flag, a file name, a URL or a code, not a word. */
function isIdentifier(token: string): boolean {
  return (
    /[_\d/\\@=<>{}[\]$#]/.test(token) || // snake_case, numbers, paths, placeholders
    /^-/.test(token) || // option flags
    /\.\w/.test(token) || // file names, dotted paths
    /[a-z][A-Z]/.test(token) || // camelCase
    (/^[A-Z]{2,}$/.test(token) && token.length > 1) // UPPER_CODES, acronyms
  );
}

/**
 * The English words of a text, each with a little of what surrounds it. `identifiers` are
 * tokens to skip whole (command names, values a user types).
 */
export function englishWordsIn(text: string, identifiers: ReadonlySet<string> = new Set()): string[] {
  const found: string[] = [];
  const withoutUrls = text.replace(/\b(?:https?|postgres|sqlite|smtp):\S*/gi, ' ');
  for (const match of withoutUrls.matchAll(/[^\s"«»()[\],;:!?`]+/gu)) {
    const token = match[0].replace(/^['’.]+|['’.]+$/g, '');
    if (token === '' || isIdentifier(token) || identifiers.has(token)) continue;
    // French elision: « l'option », « d’erreur ».
    for (const word of token.split(/['’-]/)) {
      if (ENGLISH_WORDS.has(word.toLowerCase()) && !/^[A-Z]{2,}$/.test(word)) {
        const at = match.index ?? 0;
        found.push(
          `${word} (« ${withoutUrls
            .slice(Math.max(0, at - 40), at + token.length + 40)
            .replace(/\s+/g, ' ')
            .trim()} »)`,
        );
      }
    }
  }
  return found;
}
