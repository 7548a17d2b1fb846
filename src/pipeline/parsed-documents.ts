import type { JobDocument } from '../../connectors/talentlink/job-document.js';

/**
 * Job documents already parsed by whoever stored an inbox row in this process (the webhook
 * route after validating the body, the dispatcher with the ATS's answer), handed to the inbox
 * worker so that it does not parse the same text a second time. Purely an optimisation: the
 * stored body stays the truth, and a row whose document is not here (another instance stored
 * it, the process restarted, the entry was evicted) is parsed from its body as before. An entry
 * is put only after the row was committed, so it always describes the row of that event id.
 *
 * Bounded: when more documents wait than `capacity` (the pipeline is far behind), the oldest
 * are dropped and their rows parsed from the body when their turn comes.
 */

export class ParsedDocuments {
  private readonly entries = new Map<string, JobDocument>();

  constructor(private readonly capacity = 5_000) {}

  /** The document of the row (`source`, `eventId`), just committed. */
  put(source: string, eventId: string, doc: JobDocument): void {
    const key = `${source}\u0000${eventId}`;
    this.entries.delete(key);
    this.entries.set(key, doc);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** The document of that row, once: it is forgotten as it is taken. */
  take(source: string, eventId: string): JobDocument | undefined {
    const key = `${source}\u0000${eventId}`;
    const doc = this.entries.get(key);
    if (doc !== undefined) this.entries.delete(key);
    return doc;
  }

  get size(): number {
    return this.entries.size;
  }
}
