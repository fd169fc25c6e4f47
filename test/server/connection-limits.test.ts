import { connect, type Socket } from 'node:net';
import { baseUrlOf, spawnServer, type RunningServer } from './spawn-server';

/**
 * The shipped server's timeouts and connection cap (docs/deploy.md "Timeouts and connections"),
 * against the real process: a body trickled a byte a second is cut off after
 * CDS_REQUEST_TIMEOUT_MS (Node's own default would hold it for 300 s), and connections beyond
 * CDS_MAX_CONNECTIONS are closed on arrival. A setting that cannot work stops start-up.
 */
const BODY = JSON.stringify({
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: {},
});

function connection(port: number): { socket: Socket; closed: Promise<{ received: string; afterMs: number }> } {
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

describe('the shipped server against slow and greedy clients', () => {
  let run: RunningServer | undefined;
  afterEach(async () => {
    if (!run) return;
    run.child.kill('SIGTERM');
    await run.exited;
    run = undefined;
  });

  test('cuts off a hook body trickled a byte a second after CDS_REQUEST_TIMEOUT_MS with a 408', async () => {
    run = spawnServer({ CDS_REQUEST_TIMEOUT_MS: '2000', CDS_HEADERS_TIMEOUT_MS: '1000' });
    const port = Number(new URL(await baseUrlOf(run)).port);
    const client = connection(port);
    client.socket.write(
      `POST /cds-services/ln-patient-view HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`,
    );
    let sent = 0;
    const timer = setInterval(() => client.socket.write(BODY.charAt(sent++)), 1000);
    try {
      const { received, afterMs } = await client.closed;
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
      expect(afterMs).toBeLessThan(2000 + 2500);
    } finally {
      clearInterval(timer);
    }
  }, 90_000);

  test('closes connections beyond CDS_MAX_CONNECTIONS on arrival', async () => {
    run = spawnServer({ CDS_MAX_CONNECTIONS: '2' });
    const base = await baseUrlOf(run);
    const port = Number(new URL(base).port);
    const held = [connection(port), connection(port)];
    await Promise.all(held.map((c) => new Promise((resolve) => c.socket.once('connect', resolve))));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { received, afterMs } = await connection(port).closed;
    expect(received).toBe('');
    expect(afterMs).toBeLessThan(1000);
    for (const c of held) c.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('cds_http_connections_dropped_total 1');
  }, 90_000);

  test('refuses to start when the headers timeout exceeds the request timeout, naming both settings', async () => {
    const refused = spawnServer({ CDS_REQUEST_TIMEOUT_MS: '2000', CDS_HEADERS_TIMEOUT_MS: '5000' });
    expect(await refused.exited).toBe(78);
    expect(refused.output()).toContain('CDS_HEADERS_TIMEOUT_MS (5000) must not exceed CDS_REQUEST_TIMEOUT_MS (2000)');
  }, 90_000);
});
