import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN_HASH_FOR_TESTS, startHostileService, type HostileService } from './support.js';

/**
 * Slow and oversized requests on raw sockets to the whole service: a body declared too large
 * gets 413 before a byte of it is sent; headers or a body that never finish are cut off
 * (408, connection closed) after the configured time-outs; connections beyond the cap are
 * closed at once while the service goes on answering the others. Each waits only for the
 * server to act (the test's own time-out is the only bound).
 */

interface RawExchange {
  socket: Socket;
  /** Everything the server sent until it closed the connection. */
  closed: Promise<string>;
}

function open(url: string): Promise<RawExchange> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const closed = new Promise<string>((r) => socket.on('close', () => r(Buffer.concat(received).toString('utf8'))));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => undefined);
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

describe('slow and oversized requests', () => {
  let hostile: HostileService;
  beforeAll(async () => {
    hostile = await startHostileService('slow-requests', {
      adminApiTokens: [`script:${API_TOKEN_HASH_FOR_TESTS.hash}`],
      httpHeadersTimeoutMs: 1000,
      httpRequestTimeoutMs: 2000,
      httpMaxBodyBytes: 4096,
    });
  });
  afterAll(() => hostile?.stop());

  it('answers 413 to a body declared over the limit before any of it is sent', async () => {
    const raw = await open(hostile.service.url);
    // Under the API's own 64 KiB limit, so only the service-wide limit can refuse it before reading.
    raw.socket.write(
      'POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Authorization: Bearer ${API_TOKEN_HASH_FOR_TESTS.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n',
    );
    // Answered, then closed by the server, while the client still owes the whole body.
    const answer = await raw.closed;
    expect(statusOf(answer)).toBe(413);
    expect(answer).toContain('application/problem+json');
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(answer).toContain('60000 octets annoncés');
  });

  it('closes a connection whose headers never finish (408)', async () => {
    const raw = await open(hostile.service.url);
    raw.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Lent: ');
    const sent = await raw.closed;
    expect(statusOf(sent)).toBe(408);
  });

  it('closes a connection whose body never finishes (408)', async () => {
    const raw = await open(hostile.service.url);
    raw.socket.write(
      'POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
        `Authorization: Bearer ${API_TOKEN_HASH_FOR_TESTS.token}\r\n` +
        'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"campaign":',
    );
    const sent = await raw.closed;
    expect(statusOf(sent)).toBe(408);
  });
});

describe('connections beyond the cap', () => {
  let hostile: HostileService;
  beforeAll(async () => {
    hostile = await startHostileService('max-connections', { httpMaxConnections: 4 });
  });
  afterAll(() => hostile?.stop());

  it('are closed at once without an answer, and the service answers again once they are gone', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => open(hostile.service.url)));
    // Let the server take the four connections before the fifth arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const extra = await open(hostile.service.url);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await extra.closed).toBe('');
    for (const raw of held) raw.socket.destroy();
    await Promise.all(held.map((raw) => raw.closed));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await open(hostile.service.url);
    again.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(statusOf(await again.closed)).toBe(200);
  });
});
