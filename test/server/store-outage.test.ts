import { randomUUID } from 'node:crypto';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { Pool } from 'pg';
import { describeBackend } from '../store/store-backends';
import { baseUrlOf, spawnServer, type RunningServer } from './spawn-server';

/**
 * A PostgreSQL outage against the shipped server (service-contract.md "HTTP status";
 * docs/deploy.md "Health checks"). The server reaches PostgreSQL through a TCP relay the test
 * can cut, as a failed database host or a network partition would: while it is cut the replica
 * stays ready and answers hooks, feedback is 503 with Retry-After, and the EHR's retry once the
 * database is back is stored exactly once.
 */

/** A TCP relay to PostgreSQL that drops every connection, and refuses new ones, while cut. */
class Relay {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  readonly server: Server;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((inbound) => {
      if (this.cutOff) {
        inbound.destroy();
        return;
      }
      const outbound = connect(this.target.port, this.target.host);
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => {
          this.sockets.delete(socket);
          inbound.destroy();
          outbound.destroy();
        });
      }
      inbound.pipe(outbound).pipe(inbound);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

const patientView = {
  hook: 'patient-view',
  hookInstance: '7e0f6a52-3d8c-4b1e-9a47-2f5c8d1e6b39',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: { patient: null, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null, weight: null },
};

/** A clinician overrode a card: "not relevant", coded. */
const feedback = {
  feedback: [
    {
      card: '3c1b8f0e-5a2d-4e7b-9c6a-1d2e3f4a5b6c',
      outcome: 'overridden',
      overrideReason: { reason: { system: 'http://example.org/override', code: 'not-relevant' } },
      outcomeTimestamp: '2026-11-22T02:07:10Z',
    },
  ],
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describeBackend('postgresql', 'a PostgreSQL outage under the shipped server', () => {
  const databaseUrl = process.env.TEST_DATABASE_URL ?? '';
  const schema = `outage_${randomUUID().replace(/-/g, '')}`;
  let admin: Pool;
  let relay: Relay;
  let run: RunningServer | undefined;

  beforeAll(async () => {
    admin = new Pool({ connectionString: databaseUrl, max: 1 });
    await admin.query(`CREATE SCHEMA ${schema}`);
    const target = new URL(databaseUrl);
    relay = new Relay({ host: target.hostname, port: Number(target.port || '5432') });
    const relayed = new URL(databaseUrl);
    relayed.port = String(await relay.listen());
    relayed.searchParams.set('options', `-c search_path=${schema}`);
    run = spawnServer({ DATABASE_URL: relayed.toString() });
  }, 90_000);

  afterAll(async () => {
    if (run) {
      run.child.kill('SIGTERM');
      await run.exited;
    }
    await relay?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.end();
  });

  test('hooks and readiness carry on, feedback is 503 + Retry-After, and the retry is stored exactly once', async () => {
    if (!run) throw new Error('the server was not started');
    const base = await baseUrlOf(run);
    const ready = (await (await fetch(`${base}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toEqual({ status: 'ready', config: 'loaded', store: 'postgresql', storeState: 'up' });

    relay.cut();
    const down = await until('the store to be reported down', async () => {
      const response = await fetch(`${base}/readyz`);
      const body = (await response.json()) as Record<string, unknown>;
      return body.storeState === 'down' ? { status: response.status, body } : undefined;
    });
    expect(down).toEqual({ status: 200, body: { status: 'ready', config: 'loaded', store: 'postgresql', storeState: 'down' } });

    const hook = await post(`${base}/cds-services/ln-patient-view`, patientView);
    expect(hook.status).toBe(200);
    expect(await hook.json()).toEqual({ cards: [] });

    const refused = await post(`${base}/cds-services/ln-patient-view/feedback`, feedback);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(await refused.json()).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'transient',
          details: {
            coding: [{ system: 'urn:ln-cds-hooks:error', code: 'store-unavailable' }],
            text: 'The feedback store cannot be reached; send the same feedback again later (it is stored once)',
          },
        },
      ],
    });
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('cds_store_up{store="postgresql"} 0');

    relay.restore();
    // The EHR retries after Retry-After; here, until the pool has reconnected.
    await until('the retried feedback to be stored', async () => {
      const retried = await post(`${base}/cds-services/ln-patient-view/feedback`, feedback);
      return retried.status === 200 ? true : undefined;
    });
    await post(`${base}/cds-services/ln-patient-view/feedback`, feedback).then((again) => expect(again.status).toBe(200));
    const rows = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.feedback`);
    expect(rows.rows[0]?.n).toBe(1);
    expect(run.output()).not.toMatch(/"stack"/);
  }, 90_000);
});
