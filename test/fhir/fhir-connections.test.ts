import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildTestApp } from '../support/test-app';

/**
 * CDS_FHIR_CONNECTIONS bounds the sockets the service opens to one FHIR server, whatever the
 * number of hooks in flight: a loopback FHIR server counts its open connections while hooks
 * without prefetch run in parallel, each query answered after 20 ms so that they overlap.
 */
const NOW = '2026-06-01T09:00:00Z';

interface CountingServer {
  readonly url: string;
  readonly server: Server;
  readonly seen: { open: number; maxOpen: number; connections: number; queries: number };
}

async function startCountingFhirServer(): Promise<CountingServer> {
  const seen = { open: 0, maxOpen: 0, connections: 0, queries: 0 };
  const server = createServer((req, res) => {
    seen.queries += 1;
    const url = req.url ?? '';
    const body = url.startsWith('/fhir/Patient/')
      ? { resourceType: 'Patient', id: 'p1' }
      : { resourceType: 'Bundle', type: 'searchset', entry: [] };
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify(body)), 20);
  });
  server.on('connection', (socket) => {
    seen.open += 1;
    seen.connections += 1;
    seen.maxOpen = Math.max(seen.maxOpen, seen.open);
    socket.once('close', () => {
      seen.open -= 1;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/fhir`, server, seen };
}

const patientView = (fhirServer: string, n: number) => ({
  hook: 'patient-view',
  hookInstance: `5d4c3b2a-1f0e-4d9c-8b7a-${String(n).padStart(12, '0')}`,
  fhirServer,
  context: { userId: 'Practitioner/prac-1', patientId: 'p1' },
});

describe('sockets to a FHIR server under parallel hooks', () => {
  let fhir: CountingServer;
  beforeEach(async () => {
    fhir = await startCountingFhirServer();
  });
  afterEach(async () => {
    fhir.server.closeAllConnections();
    await new Promise((resolve) => fhir.server.close(resolve));
  });

  test('CDS_FHIR_CONNECTIONS=3: 12 hooks at once never hold more than 3 sockets, and all are answered', async () => {
    const { app } = buildTestApp({ now: NOW, env: { CDS_FHIR_CONNECTIONS: '3', CDS_HOOK_DEADLINE_MS: '20000', CDS_FHIR_TIMEOUT_MS: '20000' } });
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        request(app).post('/cds-services/ln-patient-view').send(patientView(fhir.url, n)),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 12 }, () => 200));
    // Many more queries than sockets: they waited for one instead of opening their own.
    expect(fhir.seen.queries).toBeGreaterThanOrEqual(12 * 4);
    expect(fhir.seen.maxOpen).toBeLessThanOrEqual(3);
    expect(fhir.seen.connections).toBeLessThanOrEqual(3);
  });

  test('the default (128) is a bound too: 16 hooks of several queries each open at most 128 sockets', async () => {
    const { app } = buildTestApp({ now: NOW, env: { CDS_HOOK_DEADLINE_MS: '20000', CDS_FHIR_TIMEOUT_MS: '20000' } });
    await Promise.all(
      Array.from({ length: 16 }, (_, n) =>
        request(app).post('/cds-services/ln-patient-view').send(patientView(fhir.url, n)),
      ),
    );
    expect(fhir.seen.queries).toBeGreaterThan(128);
    expect(fhir.seen.maxOpen).toBeLessThanOrEqual(128);
  });
});
