import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { IMPLEMENTED_RULE_CODES } from '../../src/logic/decide';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import { loadAcceptanceCases, SERVICE_FOR_HOOK, fixturesDir, type AcceptanceCase } from '../support/fixtures';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * The acceptance cases (fixtures/acceptance and acceptance-wave2), run exactly as its README says: through createApp with the clock fixed
 * at the case's `now`, against a real FHIR server holding the case's record, in two modes —
 * prefetch built from our own discovery templates (no fhirServer), and FHIR fallback (no prefetch).
 */
const cases = [
  ...loadAcceptanceCases(fixturesDir('acceptance')),
  ...loadAcceptanceCases(fixturesDir('acceptance-wave2')),
];

let fhir: MemoryFhirServer;
beforeAll(async () => {
  fhir = await startMemoryFhirServer();
});
afterAll(async () => {
  await fhir?.close();
});

function codesOf(body: { cards: { source: { topic?: { code: string } } }[] }): string[] {
  return body.cards.map((card) => card.source.topic?.code ?? '(no topic)').sort();
}

function fillTokens(template: string, context: Record<string, unknown>): string {
  const userId = typeof context.userId === 'string' ? context.userId : '';
  return template
    .replace(/\{\{context\.(\w+)\}\}/g, (_m, field: string) => encodeURIComponent(typeof context[field] === 'string' ? context[field] : ''))
    .replaceAll('{{userPractitionerId}}', encodeURIComponent(userId.replace(/^Practitioner\//, '')));
}

/** What a CDS client does: run each discovery template against its FHIR server; omit failures. */
async function buildPrefetch(c: AcceptanceCase, app: ReturnType<typeof buildTestApp>['app']): Promise<Record<string, unknown>> {
  const discovery = await request(app).get('/cds-services').expect(200);
  const service = (discovery.body.services as { id: string; prefetch: Record<string, string> }[]).find(
    (s) => s.id === SERVICE_FOR_HOOK[c.hook],
  );
  if (!service) throw new Error(`discovery has no service for ${c.hook}`);
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(service.prefetch)) {
    const response = await fetch(`${fhir.url}/${fillTokens(template, c.context)}`);
    if (response.ok) prefetch[key] = await response.json();
  }
  return prefetch;
}

async function callHook(c: AcceptanceCase, mode: 'prefetch' | 'fallback') {
  await fhir.load(c.fhir);
  const { app } = buildTestApp({ now: c.now });
  const body = {
    hook: c.hook,
    hookInstance: randomUUID(),
    context: c.context,
    ...(mode === 'prefetch' ? { prefetch: await buildPrefetch(c, app) } : { fhirServer: fhir.url }),
  };
  const response = await request(app).post(`/cds-services/${SERVICE_FOR_HOOK[c.hook]}`).send(body);
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  return response.body as Parameters<typeof codesOf>[0];
}

describe('acceptance cases', () => {
  test('are present', () => expect(cases.length).toBeGreaterThan(0));
  for (const c of cases) {
    const implemented: readonly string[] = IMPLEMENTED_RULE_CODES;
    const missing = c.expect.codes.filter((code) => !implemented.includes(code));
    for (const mode of ['prefetch', 'fallback'] as const) {
      const name = `${c.id} ${c.title} (${c.hook}, ${mode}) → [${c.expect.codes.join(', ')}]`;
      if (missing.length > 0) {
        test.todo(`${name} — pending: ${missing.join(', ')} not implemented`);
        continue;
      }
      test(name, async () => {
        fhir.clear();
        const body = await callHook(c, mode);
        expect(codesOf(body)).toEqual([...c.expect.codes].sort());
      });
    }
  }
});
