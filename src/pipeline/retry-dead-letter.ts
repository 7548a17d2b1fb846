import type { Transaction } from 'kysely';
import { appendLedger } from '../store/ledger.js';
import { requeueDeadLetter } from '../store/outbox.js';
import type { Database } from '../store/schema.js';

/**
 * An administrator sends a dead-lettered command again: back to the queue, due now, and one
 * `admin.retry` entry in the ledger with the administrator's name, the reason and the channel
 * (dashboard, API or CLI). False when the command was not in dead-letter.
 */
export async function retryDeadLetterAsAdministrator(
  trx: Transaction<Database>,
  command: {
    id: number;
    source: string;
    ats_id: string;
    campaign: number;
    kind: string;
    idempotency_key: string;
    last_error?: string | null;
    attempts?: number;
  },
  by: { name: string; via: string; reason: string },
  now: string,
): Promise<boolean> {
  if (!(await requeueDeadLetter(trx, command.id, now))) return false;
  await appendLedger(
    trx,
    [
      {
        offer_source: command.source,
        offer_ats_id: command.ats_id,
        campaign: command.campaign,
        actor: 'administrator',
        actor_name: by.name,
        kind: 'admin.retry',
        data: {
          commandId: Number(command.id),
          command: command.kind,
          idempotencyKey: command.idempotency_key,
          reason: by.reason,
          via: by.via,
          ...(command.last_error !== undefined ? { lastError: command.last_error } : {}),
          ...(command.attempts !== undefined ? { attempts: command.attempts } : {}),
        },
      },
    ],
    now,
  );
  return true;
}
