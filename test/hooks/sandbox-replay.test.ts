import request from 'supertest';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import { openStore } from '../../src/store/open-store';
import type { Store } from '../../src/store/store';
import { fixturesDir } from '../support/fixtures';
import { expectCdsResponse } from '../support/cds-response-schema';
import { loadRecordedRequests, recordedResources, SANDBOX_CLOCK, type RecordedRequest } from '../support/sandbox-requests';
import { buildTestApp } from '../support/test-app';

/**
 * The real CDS Hooks Sandbox cannot be reached from here; replaying what it sent is how we prove
 * the service answers it. Each request is sent as recorded (headers, body, path) to the app in its
 * development configuration. The recordings prefetched only four keys (the Sandbox ran against a
 * stub), so the service reads the rest from the recorded `fhirServer`, http://127.0.0.1:8090/fhir —
 * here a real FHIR server on that address holding p01's record as the recordings show it.
 */
const recorded = loadRecordedRequests(fixturesDir('sandbox-requests'));
const byFile = (name: string): RecordedRequest => {
  const found = recorded.find((r) => r.file === name);
  if (!found) throw new Error(`recording ${name} is missing`);
  return found;
};

let fhir: MemoryFhirServer | undefined;
let store: Store | undefined;
let app: ReturnType<typeof buildTestApp>['app'];
beforeAll(async () => {
  fhir = await startMemoryFhirServer({ port: 8090 });
  await fhir.load(recordedResources(recorded));
  // The embedded store, as `npm start` has it, so feedback is stored like the Sandbox expects.
  store = await openStore({ pgliteDataDir: 'memory', now: () => new Date(SANDBOX_CLOCK), onBackgroundError: () => undefined });
  app = buildTestApp({ now: SANDBOX_CLOCK, store }).app;
});
afterAll(async () => {
  await fhir?.close();
  await store?.close();
});

function replay(app: ReturnType<typeof buildTestApp>['app'], r: RecordedRequest) {
  const agent = request(app);
  const call = r.method === 'GET' ? agent.get(r.path) : r.method === 'POST' ? agent.post(r.path) : agent.options(r.path);
  for (const [name, value] of Object.entries(r.headers)) call.set(name, value);
  return r.body === null ? call : call.send(r.body);
}

const codes = (body: { cards: { source: { topic?: { code: string } } }[] }): string[] =>
  body.cards.map((card) => card.source.topic?.code ?? '').sort();

describe('recorded CDS Hooks Sandbox traffic, replayed', () => {
  test('discovery lists the four services to the Sandbox, with CORS for its origin', async () => {
    const response = await replay(app, byFile('discovery-get.json'));
    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
    expect((response.body.services as { id: string }[]).map((s) => s.id).sort()).toEqual([
      'ln-medication-prescribe',
      'ln-order-select',
      'ln-order-sign',
      'ln-patient-view',
    ]);
  });

  test("the browser's CORS preflight passes without a JWT", async () => {
    const response = await replay(app, byFile('cors-preflight-ln-patient-view.json'));
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
    expect(response.headers['access-control-allow-headers']?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type']),
    );
    expect(response.headers['access-control-allow-methods']).toContain('POST');
  });

  // The recordings' record holds no eGFR or creatinine, so on tacrolimus since 2025 the service
  // also reminds to check kidney function (clinical-rules-wave2.md rule 4a).
  test('patient-view for p01 warns that the 2.6 ng/mL tacrolimus trough is below target, and that kidney function is due', async () => {
    const response = await replay(app, byFile('patient-view-p01.json'));
    expect(response.status).toBe(200);
    expectCdsResponse(response.body);
    expect(response.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
    expect(codes(response.body)).toEqual(['cni-kidney-function-overdue', 'tacrolimus-trough-low']);
  });

  test.each(['order-select-p01-mycophenolate-500mg-2-pills-daily.json', 'order-sign-p01-mycophenolate-500mg-2-pills-daily.json'])(
    '%s: 2 × 500 mg pills daily (1000 mg/day) with tacrolimus lies between the multitarget and full-dose ranges (no dose card, §5), the trough is still low and kidney function is due',
    async (file) => {
      const response = await replay(app, byFile(file));
      expect(response.status).toBe(200);
      expectCdsResponse(response.body);
      expect(codes(response.body)).toEqual(['cni-kidney-function-overdue', 'tacrolimus-trough-low']);
    },
  );

  test('every recorded request is answered without an error status', async () => {
    for (const r of recorded) {
      const response = await replay(app, r);
      expect({ file: r.file, status: response.status }).toEqual({ file: r.file, status: r.method === 'OPTIONS' ? 204 : 200 });
    }
  });
});
