import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app';
import { loadClientsFile } from '../../src/config/clients-file';
import { loadConfig, type Env } from '../../src/config';
import { createHttpServer } from '../../src/hooks/http-server';
import { createMetrics, type Metrics } from '../../src/metrics';
import { makeKey } from '../auth/jwt-fixtures';
import { captureLogger } from '../support/test-app';

/**
 * Slow and greedy clients (docs/deploy.md "Timeouts and connections"). An EHR sends a hook in
 * milliseconds; Node's defaults would let anyone — no JWT is checked before the headers are in —
 * trickle a body for 300 s and open connections without limit. Short limits here keep the suite
 * quick; the server is the one src/server.ts builds (createHttpServer over createApp).
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const LIMITS: Env = {
  CDS_REQUEST_TIMEOUT_MS: '2000',
  CDS_HEADERS_TIMEOUT_MS: '1000',
  CDS_KEEP_ALIVE_TIMEOUT_MS: '1500',
  CDS_MAX_CONNECTIONS: '3',
};
/** Node sweeps for expired requests once a second (src/hooks/http-server.ts); plus scheduling slack. */
const SWEEP_SLACK_MS = 2500;

interface Running {
  readonly server: Server;
  readonly port: number;
  readonly metrics: Metrics;
}

async function start(env: Env, loaders = {}): Promise<Running> {
  const config = loadConfig({ ...LIMITS, ...env }, loaders);
  const metrics = createMetrics();
  const app = createApp({ config, logger: captureLogger().logger, clock: () => NOW, metrics });
  const server = createHttpServer(app, config, metrics);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, metrics };
}

async function stop(running: Running | undefined): Promise<void> {
  if (!running) return;
  running.server.closeAllConnections();
  await new Promise((resolve) => running.server.close(resolve));
}

interface Conversation {
  readonly socket: Socket;
  /** Everything the server sent, once it closed the connection, and how long after opening. */
  readonly closed: Promise<{ readonly received: string; readonly afterMs: number }>;
}

function open(port: number): Conversation {
  const socket = connect(port, '127.0.0.1');
  const opened = performance.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<{ received: string; afterMs: number }>((resolve) =>
    socket.on('close', () => resolve({ received, afterMs: performance.now() - opened })),
  );
  return { socket, closed };
}

/** Writes `text` one byte every `everyMs` until the connection closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || next >= text.length) {
      clearInterval(timer);
      return;
    }
    socket.write(text.charAt(next));
    next += 1;
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
}

const HOOK_BODY = JSON.stringify({
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: {},
});

const hookHeaders = (extra = ''): string =>
  'POST /cds-services/ln-patient-view HTTP/1.1\r\nHost: cds.example.org\r\nContent-Type: application/json\r\n' +
  `Content-Length: ${HOOK_BODY.length}\r\n${extra}\r\n`;

describe('slow clients', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await stop(running);
    running = undefined;
  });

  test('a hook body trickled a byte a second is cut off with 408 after the request timeout, not after 300 s', async () => {
    running = await start({});
    const client = open(running.port);
    client.socket.write(hookHeaders());
    trickle(client.socket, HOOK_BODY, 1000);
    const { received, afterMs } = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeGreaterThanOrEqual(2000 - 50);
    expect(afterMs).toBeLessThan(2000 + SWEEP_SLACK_MS);
  });

  test('headers trickled a byte every 300 ms are cut off with 408 after the headers timeout', async () => {
    running = await start({});
    const client = open(running.port);
    trickle(client.socket, hookHeaders('X-Padding: a\r\nX-Padding: b\r\nX-Padding: c\r\n'), 300);
    const { received, afterMs } = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    expect(afterMs).toBeLessThan(1000 + SWEEP_SLACK_MS);
  });

  test('a connection that never sends a request is closed after the headers timeout', async () => {
    running = await start({});
    const { afterMs } = await open(running.port).closed;
    expect(afterMs).toBeLessThan(1000 + SWEEP_SLACK_MS);
  });

  test('a caller without a JWT trickling a body is answered 401 at once and its connection closed', async () => {
    const key = await makeKey('ES384', 'north-2026');
    const clients = join(mkdtempSync(join(tmpdir(), 'ln-clients-')), 'clients.json');
    writeFileSync(clients, JSON.stringify([{ iss: 'https://ehr.north.example.org', jwks: { keys: [key.publicJwk] }, fhirServers: [] }]));
    running = await start({ CDS_AUTH: 'required', CDS_CLIENTS_FILE: clients }, { loadClients: loadClientsFile });
    const client = open(running.port);
    client.socket.write(hookHeaders());
    trickle(client.socket, HOOK_BODY, 1000);
    const { received, afterMs } = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    expect(afterMs).toBeLessThan(1000);
  });

  test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    running = await start({});
    const client = open(running.port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: cds.example.org\r\n\r\n');
    const { received, afterMs } = await client.closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(afterMs).toBeGreaterThanOrEqual(1500 - 50);
    expect(afterMs).toBeLessThan(1500 + SWEEP_SLACK_MS);
  });
});

describe('the connection cap', () => {
  let running: Running | undefined;
  afterEach(async () => {
    await stop(running);
    running = undefined;
  });

  test('a connection beyond CDS_MAX_CONNECTIONS is closed on arrival, counted, and a freed slot serves again', async () => {
    running = await start({ CDS_HEADERS_TIMEOUT_MS: '2000' });
    const held = [open(running.port), open(running.port), open(running.port)];
    await Promise.all(held.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
    // The server counts a connection once it has accepted it.
    await new Promise((resolve) => setTimeout(resolve, 100));

    const refused = open(running.port);
    const { received, afterMs } = await refused.closed;
    expect(received).toBe('');
    expect(afterMs).toBeLessThan(500);
    expect(await running.metrics.render()).toContain('cds_http_connections_dropped_total 1');

    held[0]?.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const served = await fetch(`http://127.0.0.1:${running.port}/healthz`);
    expect(served.status).toBe(200);
    for (const c of held) c.socket.destroy();
  });
});

describe('what the request timeout does not cover', () => {
  test("a hook's work after its body is in may outlast the request timeout: the timeout bounds receiving only", async () => {
    // The hook deadline (CDS_HOOK_DEADLINE_MS) runs once the body is parsed; Node stops the
    // request clock when the last byte arrives. A handler slower than the request timeout:
    const config = loadConfig({ ...LIMITS });
    const server = createHttpServer(
      (req, res) => {
        req.resume();
        req.on('end', () => setTimeout(() => res.end('{"cards":[]}'), 2500));
      },
      config,
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/cds-services/ln-patient-view`, { method: 'POST', body: HOOK_BODY });
      expect(response.status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the limits as settings', () => {
  test('default to a 10 s request, 5 s headers, 65 s keep-alive and 512 connections', () => {
    const config = loadConfig({});
    expect([config.requestTimeoutMs, config.headersTimeoutMs, config.keepAliveTimeoutMs, config.maxConnections]).toEqual([
      10_000, 5000, 65_000, 512,
    ]);
  });

  test.each([
    [{ CDS_REQUEST_TIMEOUT_MS: '2000', CDS_HEADERS_TIMEOUT_MS: '3000' }, 'CDS_HEADERS_TIMEOUT_MS (3000) must not exceed CDS_REQUEST_TIMEOUT_MS (2000)'],
    [{ CDS_REQUEST_TIMEOUT_MS: '300' }, 'CDS_REQUEST_TIMEOUT_MS must be an integer from 1000 to 300000, not "300"'],
    [{ CDS_KEEP_ALIVE_TIMEOUT_MS: '0' }, 'CDS_KEEP_ALIVE_TIMEOUT_MS must be an integer from 1000 to 600000, not "0"'],
    [{ CDS_MAX_CONNECTIONS: 'lots' }, 'CDS_MAX_CONNECTIONS must be an integer from 1 to 65535, not "lots"'],
  ])('refuse %j at start-up with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
