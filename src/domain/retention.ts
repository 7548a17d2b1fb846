import { DateTime } from 'luxon';

/**
 * How long personal data is kept: a campaign is the calendar year of its window (Paris time), and
 * its personal data may go `months` after that year ends. Pure: the instant is a parameter.
 *
 * Data that names no campaign (an inbox row, a message of the demo's mailbox) is dated by when it
 * was received: a snapshot received in year Y feeds campaign Y, or Y + 1 once Y's window has
 * closed (see `campaignOf`), so it may go once campaign Y + 1 may, i.e. when it was received
 * before 1 January of the last campaign whose retention has passed.
 */

export const RETENTION_ZONE = 'Europe/Paris';

export interface RetentionScope {
  /** The latest campaign whose retention has passed: its data and that of every earlier one may go. */
  lastCampaign: number;
  /** Data dated before this instant (1 January of `lastCampaign`, Paris time) may go. */
  receivedBefore: string;
}

/** The scope of a purge at `nowMs` when data is kept `months` after the end of its campaign. */
export function retentionScope(nowMs: number, months: number): RetentionScope {
  if (!Number.isInteger(months) || months < 0) {
    throw new RangeError(`retentionScope: months expected an integer from 0, got ${months}`);
  }
  // Campaign C may go from 1 January C + 1 (Paris) plus `months`: go back `months` from now, and
  // the year before the one reached is the last campaign whose time has come.
  const back = DateTime.fromMillis(nowMs, { zone: RETENTION_ZONE }).minus({ months });
  const lastCampaign = back.year - 1;
  const receivedBefore = DateTime.fromObject({ year: lastCampaign, month: 1, day: 1 }, { zone: RETENTION_ZONE })
    .toUTC()
    .toISO({ suppressMilliseconds: false });
  return { lastCampaign, receivedBefore: receivedBefore! };
}

/** When the data of `campaign` may go (an ISO instant, UTC). */
export function retentionEnds(campaign: number, months: number): string {
  return DateTime.fromObject({ year: campaign + 1, month: 1, day: 1 }, { zone: RETENTION_ZONE })
    .plus({ months })
    .toUTC()
    .toISO({ suppressMilliseconds: false })!;
}

/** The Paris calendar day of an instant, `YYYY-MM-DD`: the scheduled purge runs once per such day. */
export function retentionDay(nowMs: number): string {
  return DateTime.fromMillis(nowMs, { zone: RETENTION_ZONE }).toISODate()!;
}
