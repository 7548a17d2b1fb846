import type { Writable } from 'node:stream';
import type { OrganismsFile } from '../domain/organism-schema.js';
import type { JobProcessState } from '../domain/job-process-states.js';
import type { Db } from '../store/database.js';
import { readPostsToDeclarePage, type PostToDeclareRow } from '../store/en3s-board.js';
import type { OfferReportPosition } from '../store/offer-report.js';
import { LocalDates } from './local-dates.js';
import type { PostRow, PostsList, PostsOfBody, ReportHeader } from './model.js';
import { bodyMatcher, type ReportFormat, type ReportOptions } from './options.js';
import { networksOf } from './rows.js';
import { scanOf } from './source.js';

/**
 * The posts of a campaign to enter on EN3S's own online job board (instruction DSS/4B/2026/34
 * §1.2: "les directeurs des organismes … saisissent … directement sur la bourse en ligne des
 * postes de l'EN3S"), which has no interface the connector could call: the list each body needs
 * (filter `body`) and the whole list, by body, with whether each post was recorded as entered.
 *
 * Listed: every offer of the campaign concerned, or undetermined (missing data is never silently
 * "not concerned"), as it stands, except those published before the window (the période EN3S
 * does not touch them). A campaign's concerned posts are a few thousand at most: the list is read
 * page by page and kept in memory to be sorted by body.
 */

const PAGE = 500;
const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/**
 * The window's first and last day in the body's legal time: 1 January to 30 April, whatever the zone
 * (docs/domain.md#who-is-concerned, both texts).
 */
const windowOf = (campaign: number) => ({ start: `${campaign}-01-01`, end: `${campaign}-04-30` });

function postRow(r: PostToDeclareRow, options: ReportOptions, dates: LocalDates): PostRow {
  const entry = r.entry && {
    enteredOn: r.entry.entered_on,
    note: r.entry.note,
    recordedBy: r.entry.recorded_by,
    recordedAt: r.entry.recorded_at,
  };
  return {
    source: r.source,
    atsId: r.ats_id,
    campaign: r.campaign,
    reference: r.job_number,
    title: r.title,
    organism: r.organism,
    organismType: r.organism_type,
    regime: r.regime,
    networks: networksOf(JSON.parse(r.networks) as string[], options.primaryNetworks),
    grid: r.grid,
    level: r.level,
    timeZone: r.time_zone,
    concerned: r.concerned,
    state: r.state as JobProcessState,
    createdAt: r.offer_created_at,
    firstSeenAt: r.first_seen_at,
    window: windowOf(r.campaign),
    entry,
    days: {
      createdAt: r.offer_created_day,
      firstSeen: dates.isoDate(r.first_seen_at, r.time_zone),
      recordedAt: entry ? dates.isoDate(entry.recordedAt, r.time_zone) : null,
    },
  };
}

/** The list for the options (campaign, régime, body, network, networks rule), by body then référence. */
export async function readPostsList(db: Db, organisms: OrganismsFile, options: ReportOptions): Promise<PostsList> {
  const scan = scanOf(options, organisms);
  // A body named by its type is the query's filter; by its name, it is checked here.
  const matchBody = scan.organismType === null ? bodyMatcher(options.body, organisms) : null;
  const dates = new LocalDates();
  const posts: PostRow[] = [];
  let after: OfferReportPosition | null = null;
  for (;;) {
    const page = await readPostsToDeclarePage(
      db,
      { campaign: scan.campaign, regime: scan.regime, organismType: scan.organismType },
      after,
      PAGE,
    );
    for (const r of page.rows) {
      if (matchBody && !matchBody(r.organism_type, r.organism)) continue;
      const row = postRow(r, options, dates);
      if (options.network !== null && !row.networks.includes(options.network)) continue;
      posts.push(row);
    }
    if (page.rows.length < PAGE) break;
    after = page.last;
  }
  posts.sort(
    (a, b) =>
      collator.compare(a.organism, b.organism) ||
      collator.compare(a.reference, b.reference) ||
      (a.atsId < b.atsId ? -1 : a.atsId > b.atsId ? 1 : 0),
  );
  const bodies: PostsOfBody[] = [];
  for (const post of posts) {
    let body = bodies[bodies.length - 1];
    if (!body || body.organism !== post.organism) {
      body = { organism: post.organism, organismType: post.organismType, posts: 0, entered: 0, toEnter: 0 };
      bodies.push(body);
    }
    body.posts += 1;
    if (post.entry) body.entered += 1;
    else body.toEnter += 1;
  }
  const total = bodies.reduce(
    (t, b) => ({ posts: t.posts + b.posts, entered: t.entered + b.entered, toEnter: t.toEnter + b.toEnter }),
    { posts: 0, entered: 0, toEnter: 0 },
  );
  return { posts, bodies, total };
}

/** Writes the list in the format asked, through the writers of the other reports; returns the number of posts. */
export async function writePostsList(
  db: Db,
  organisms: OrganismsFile,
  header: ReportHeader,
  format: ReportFormat,
  options: ReportOptions,
  out: Writable,
): Promise<number> {
  const list = await readPostsList(db, organisms, options);
  switch (format) {
    case 'csv':
      await (await import('./render-csv.js')).writePostsCsv(list, out);
      break;
    case 'json':
      await (await import('./render-json.js')).writePostsJson(header, list, out);
      break;
    case 'xlsx':
      await (await import('./render-xlsx.js')).writePostsXlsx(header, list, out);
      break;
    case 'html':
      throw new TypeError('writePostsList: the list of posts has no HTML format (formatsOf)');
  }
  return list.posts.length;
}
