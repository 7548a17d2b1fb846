import { sql, type Selectable } from 'kysely';
import { canonicalJson, sha256hex } from './canonical-json.js';
import { dialectOf, type Db } from './database.js';
import { assertInstant } from './instant.js';
import type { LedgerActor, LedgerTable } from './schema.js';
import { withinTransaction } from './transaction.js';

/**
 * The ledger: every step taken for an offer (event received, decision, command sent, ATS answer,
 * administrator action…), append-only and hash-chained. Entry n carries the hash of entry n-1
 * and its own hash covers that and its content:
 *
 *   hash = sha256hex(prev_hash + '\n' + canonicalJson({seq, at, offer_source, offer_ats_id,
 *                                                       campaign, actor, actor_name, kind, data}))
 *
 * with the first entry's prev_hash 64 zeros. Changing, removing or inserting an entry breaks the
 * chain at that point, which `verifyLedger` finds. What the chain alone cannot show is a cut or
 * re-forged tail: the last entries removed, or new ones appended by someone who recomputes the
 * hashes. For that, keep the head (`seq` and `hash` printed by `en3s audit verify`) outside the
 * database, e.g. in the monthly report, and compare later.
 */

export const GENESIS_HASH = '0'.repeat(64);

export interface NewLedgerEntry {
  /** The offer it is about; null for events of the whole service (window opened, rule set changed). */
  offer_source: string | null;
  offer_ats_id: string | null;
  campaign: number | null;
  actor: LedgerActor;
  /** Only for `administrator`: the administrator's user name. No other personal data. */
  actor_name?: string | null;
  /**
   * e.g. `event.received`, `decision`, `command.sent`, `ats.answer`, `admin.action`, `window.opened`,
   * `ruleset.changed`.
   */
  kind: string;
  data: unknown;
}

/**
 * An entry of the whole service, about no offer, written by the connector itself (a purge, a reset, a
 * window boundary).
 */
export function serviceEntry(entry: Pick<NewLedgerEntry, 'kind' | 'data'>): NewLedgerEntry {
  return { offer_source: null, offer_ats_id: null, campaign: null, actor: 'system', ...entry };
}

export interface LedgerEntry extends Omit<Selectable<LedgerTable>, 'data'> {
  data: unknown;
}

export type LedgerVerification =
  | { ok: true; rows: number; lastSeq: number; lastHash: string }
  | { ok: false; seq: number; code: LedgerProblem; problem: string };

export type LedgerProblem = 'unexpected-entry' | 'missing-entry' | 'broken-link' | 'hash-mismatch' | 'unreadable-data';

// Arbitrary constant: the first key of the advisory lock that serialises appends on PostgreSQL.
const LEDGER_LOCK_CLASS = 0x45_4e_33_02;
// Stays well below the bind-parameter limits of both databases (11 columns per row).
const INSERT_CHUNK = 500;

/** The hash of one entry, given the previous entry's hash. */
export function ledgerHash(prevHash: string, entry: Omit<LedgerEntry, 'prev_hash' | 'hash'>): string {
  return hashWithData(prevHash, entry, canonicalJson(entry.data));
}

/**
 * `ledgerHash` with the canonical text of `data` already at hand (appends compute it once, for
 * the stored column too). The other members are scalars: the text is that of `canonicalJson`
 * over the whole entry, keys in sorted order (checked by the ledger tests against it).
 */
function hashWithData(
  prevHash: string,
  entry: Omit<LedgerEntry, 'prev_hash' | 'hash' | 'data'>,
  dataJson: string,
): string {
  const { seq, at, offer_source, offer_ats_id, campaign, actor, actor_name, kind } = entry;
  const j = (value: string | number | null) => JSON.stringify(value ?? null);
  const text =
    `{"actor":${j(actor)},"actor_name":${j(actor_name)},"at":${j(at)},"campaign":${j(campaign)},"data":${dataJson},` +
    `"kind":${j(kind)},"offer_ats_id":${j(offer_ats_id)},"offer_source":${j(offer_source)},"seq":${j(seq)}}`;
  return sha256hex(`${prevHash}\n${text}`);
}

/**
 * Appends entries, all stamped `now`, in the caller's transaction (or a new one). Appends of
 * several processes form one chain: PostgreSQL takes an advisory lock held until the
 * transaction ends before reading the head; SQLite's write transaction excludes other writers.
 * Returns the entries as written, with their seq and hashes.
 */
export async function appendLedger(db: Db, entries: readonly NewLedgerEntry[], now: string): Promise<LedgerEntry[]> {
  assertInstant(now, 'appendLedger now');
  for (const entry of entries) {
    if (entry.actor_name != null && entry.actor !== 'administrator') {
      throw new TypeError(`appendLedger: actor_name is only recorded for administrators, not for ${entry.actor}`);
    }
  }
  if (entries.length === 0) return [];
  return withinTransaction(db, async (trx) => {
    if (dialectOf(trx) === 'postgres') {
      await sql`select pg_advisory_xact_lock(${sql.lit(LEDGER_LOCK_CLASS)}, hashtext(current_schema()))`.execute(trx);
    }
    let { seq, hash } = await ledgerHead(trx);
    const rows = entries.map((entry) => {
      const dataJson = canonicalJson(entry.data);
      const content = {
        seq: ++seq,
        at: now,
        offer_source: entry.offer_source,
        offer_ats_id: entry.offer_ats_id,
        campaign: entry.campaign,
        actor: entry.actor,
        actor_name: entry.actor_name ?? null,
        kind: entry.kind,
      };
      const row = { ...content, data: dataJson, prev_hash: hash, hash: hashWithData(hash, content, dataJson) };
      hash = row.hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto('ledger')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute();
    }
    return rows.map((row) => ({ ...row, data: JSON.parse(row.data) as unknown }));
  });
}

/** The last entry's seq and hash; seq 0 and the genesis hash when the ledger is empty. */
export async function ledgerHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('ledger').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/**
 * Entries in seq order, for timelines and exports: all of them, or those of one offer (and
 * campaign), from `fromSeq` on (inclusive).
 */
export async function readLedger(
  db: Db,
  options: { offer?: { source: string; ats_id: string; campaign?: number }; fromSeq?: number; limit: number },
): Promise<LedgerEntry[]> {
  let query = db.selectFrom('ledger').selectAll();
  if (options.offer) {
    query = query.where('offer_source', '=', options.offer.source).where('offer_ats_id', '=', options.offer.ats_id);
    if (options.offer.campaign !== undefined) query = query.where('campaign', '=', options.offer.campaign);
  }
  if (options.fromSeq !== undefined) query = query.where('seq', '>=', options.fromSeq);
  const rows = await query.orderBy('seq').limit(options.limit).execute();
  return rows.map((row) => ({ ...row, seq: Number(row.seq), data: JSON.parse(row.data) as unknown }));
}

/**
 * Walks the whole chain in batches of `batchSize` rows (bounded memory, however long the
 * ledger) and reports the first entry that is missing, out of the chain or changed.
 */
export async function verifyLedger(db: Db, options: { batchSize?: number } = {}): Promise<LedgerVerification> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (;;) {
    let query = db.selectFrom('ledger').selectAll();
    // No lower bound on the first batch: a forged entry numbered 0 or below must be seen too.
    if (expectedSeq > 1) query = query.where('seq', '>=', expectedSeq);
    const batch = await query.orderBy('seq').limit(batchSize).execute();
    for (const row of batch) {
      const seq = Number(row.seq);
      if (seq < expectedSeq) {
        return fail(
          seq,
          'unexpected-entry',
          `entrée n° ${seq} hors de la numérotation du registre (qui commence à 1) : entrée insérée`,
        );
      }
      if (seq !== expectedSeq) {
        return fail(
          expectedSeq,
          'missing-entry',
          `entrée n° ${expectedSeq} absente (la suivante est la n° ${seq}) : entrée supprimée`,
        );
      }
      if (row.prev_hash !== prevHash) {
        return fail(
          seq,
          'broken-link',
          seq === 1
            ? `l'entrée n° 1 ne part pas de l'origine du registre : entrées insérées ou supprimées au début`
            : `l'entrée n° ${seq} ne s'enchaîne pas à l'entrée n° ${seq - 1} : entrée n° ${seq - 1} ` +
                `insérée ou remplacée, ou n° ${seq} modifiée`,
        );
      }
      let data: unknown;
      try {
        data = JSON.parse(row.data);
      } catch {
        return fail(
          seq,
          'unreadable-data',
          `les données de l'entrée n° ${seq} ne sont plus du JSON lisible : entrée modifiée`,
        );
      }
      if (ledgerHash(row.prev_hash, { ...row, seq, data }) !== row.hash) {
        return fail(
          seq,
          'hash-mismatch',
          `l'empreinte de l'entrée n° ${seq} ne correspond pas à son contenu : entrée modifiée`,
        );
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
    }
    if (batch.length < batchSize)
      return { ok: true, rows: expectedSeq - 1, lastSeq: expectedSeq - 1, lastHash: prevHash };
  }
}

function fail(seq: number, code: LedgerProblem, problem: string): LedgerVerification {
  return { ok: false, seq, code, problem };
}
