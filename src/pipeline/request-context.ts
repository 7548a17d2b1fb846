import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request id that follows one change from the webhook to the ATS calls it causes: the
 * notification's id is the id of the inbox row, it is written on every command enqueued while
 * applying it (`outbox.request_id`), and the dispatcher runs each ATS call inside it, so the
 * TalentLink client sends it as `x-request-id` and every log line of the call can name it.
 */
const storage = new AsyncLocalStorage<string>();

export function withRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run(requestId, fn);
}

export function currentRequestId(): string | undefined {
  return storage.getStore();
}
