import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small TalentLink event queue server (spec §4) for the poller tests, reached through the real
 * TalentLink client: `GET …/oldest-element` hands out the oldest visible element and hides it
 * (as the ATS does for 60 s), `DELETE …/elements/{id}` removes it. Faults and a hook on every
 * acknowledgement let the tests check what the database held at that moment.
 */

export const QUEUE_CREDENTIALS = { user: 'UCANSS:en3s-api:BO', password: 'queue-test-pw', apiKey: 'ak_queue_test' };
const EXPECTED_AUTH = `Basic ${Buffer.from(`${QUEUE_CREDENTIALS.user}:${QUEUE_CREDENTIALS.password}`).toString('base64')}`;

export interface QueuedElement {
  id: string;
  contentType: string;
  body: string | Buffer;
}

interface Held extends QueuedElement {
  hidden: boolean;
}

export interface QueueServer {
  url: string;
  enqueue(queue: string, element: QueuedElement): void;
  /** Ids still held (acknowledged ones are gone). */
  held(queue: string): string[];
  /** Every request, in order: `GET en3s` / `DELETE en3s evt-1`. */
  requests: string[];
  /** The next `n` reads or acknowledgements answer 503. */
  failReads(n: number): void;
  failAcks(n: number): void;
  /** Runs before an acknowledgement is answered (e.g. reads the database). */
  onAck: ((queue: string, id: string) => Promise<void>) | undefined;
  /** As if 60 s had passed: hidden elements are handed out again. */
  redeliver(): void;
  close(): Promise<void>;
}

const READ = /^\/tlk\/rest\/queues\/job-events\/([^/]+)\/oldest-element$/;
const ACK = /^\/tlk\/rest\/queues\/job-events\/([^/]+)\/elements\/([^/]+)$/;

export async function startQueueServer(): Promise<QueueServer> {
  const queues = new Map<string, Held[]>();
  const faults = { reads: 0, acks: 0 };
  const queueOf = (name: string) => queues.get(name) ?? queues.set(name, []).get(name)!;

  const state: Omit<QueueServer, 'url' | 'close'> = {
    enqueue: (queue, element) => void queueOf(queue).push({ ...element, hidden: false }),
    held: (queue) => queueOf(queue).map((e) => e.id),
    requests: [],
    failReads: (n) => void (faults.reads = n),
    failAcks: (n) => void (faults.acks = n),
    onAck: undefined,
    redeliver: () => queues.forEach((list) => list.forEach((e) => (e.hidden = false))),
  };

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== EXPECTED_AUTH || req.headers.api_key !== QUEUE_CREDENTIALS.apiKey) {
      return json(res, 401, { code: 'UNAUTHORIZED', message: 'bad credentials' });
    }
    const path = new URL(req.url ?? '/', 'http://queue.test').pathname;
    const read = req.method === 'GET' ? READ.exec(path) : null;
    if (read) {
      const queue = decodeURIComponent(read[1]!);
      state.requests.push(`GET ${queue}`);
      if (faults.reads > 0) {
        faults.reads -= 1;
        return json(res, 503, { code: 'UNAVAILABLE', message: 'try later' });
      }
      const element = queueOf(queue).find((e) => !e.hidden);
      if (!element) return void res.writeHead(204).end();
      element.hidden = true;
      return void res.writeHead(200, { 'content-type': element.contentType }).end(element.body);
    }
    const ack = req.method === 'DELETE' ? ACK.exec(path) : null;
    if (ack) {
      const queue = decodeURIComponent(ack[1]!);
      const id = decodeURIComponent(ack[2]!);
      state.requests.push(`DELETE ${queue} ${id}`);
      if (faults.acks > 0) {
        faults.acks -= 1;
        return json(res, 503, { code: 'UNAVAILABLE', message: 'try later' });
      }
      await state.onAck?.(queue, id);
      const list = queueOf(queue);
      const index = list.findIndex((e) => e.id === id);
      if (index >= 0) list.splice(index, 1);
      return void res.writeHead(204).end();
    }
    json(res, 404, { code: 'NOT_FOUND', message: `${req.method} ${path}` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { code: 'TEST_SERVER', message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
