import type { Notification } from '../../connectors/talentlink/job-document.js';
import type { NewInboxEvent } from '../store/inbox.js';

/**
 * The inbox row of a received notification, the same whether it was pushed on the webhook or
 * read from a queue, so that one event arriving both ways is stored once (source, event_id).
 */

export const TALENTLINK_SOURCE = 'talentlink';

/** Event type of a queue element that could not be read; the inbox worker fails it with the reason. */
export const UNREADABLE_EVENT = 'unreadable';

export interface RawBody {
  /** The body as stored: the exact received text. */
  text: string;
  contentType: string;
}

export function notificationEvent(notification: Notification, raw: RawBody, receivedAt: Date): NewInboxEvent {
  return {
    source: TALENTLINK_SOURCE,
    event_id: notification.id,
    event_type: notification.type,
    // The ATS may write an offset (`+01:00`); the store keeps every instant in one UTC format.
    occurred_at: new Date(notification.occurredAt).toISOString(),
    received_at: receivedAt.toISOString(),
    content_type: raw.contentType,
    body: raw.text,
    job_id: notification.job.id,
    job_version: notification.job.version,
  };
}

/**
 * The stored text of a body, or why it cannot be stored as text: invalid UTF-8 would be altered
 * by decoding, and PostgreSQL refuses U+0000 in text (the insert would fail on every retry).
 */
export function storableText(body: Buffer): { ok: true; text: string } | { ok: false; reason: string } {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return { ok: false, reason: 'le corps n’est pas du texte UTF-8 valide' };
  }
  const nul = text.indexOf('\u0000');
  if (nul >= 0) return { ok: false, reason: `caractère NUL (U+0000) interdit à la position ${nul}` };
  return { ok: true, text };
}
