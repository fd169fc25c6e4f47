import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import { buildDemoPatients, buildDemoResources, DEMO_PRACTITIONER_ID } from '../../demo/patients';
import { buildTestApp } from '../support/test-app';

/**
 * The timeline app must never tell a clinician something the cards do not: for demo patients
 * shown in patient-view, read from a real FHIR server (development: loopback, no token), the
 * timeline's findings are the patient-view cards — same rules, same summaries, and each finding's
 * triggers are its card's link focus. One patient per kind of reading: a trough, a dose with the
 * eGFR, the 36-month clock, and a transplant control (~3 s each on Medplum's in-memory search).
 */
const NOW = new Date('2026-11-22T10:00:00.000Z');
const CHOSEN = new Set(['demo-tac-low', 'demo-mmf-renal', 'demo-stopped-early', 'demo-control-transplant']);
const patients = buildDemoPatients(NOW).filter((patient) => CHOSEN.has(patient.id));
/** Medplum's in-memory search scans every resource of a type: generous, since this checks records, not latency. */
const { app } = buildTestApp({
  now: NOW,
  env: { CDS_HOOK_DEADLINE_MS: '20000', CDS_FHIR_TIMEOUT_MS: '15000' },
});

let fhir: MemoryFhirServer;
beforeAll(async () => {
  fhir = await startMemoryFhirServer();
  await fhir.load(buildDemoResources(patients));
});
afterAll(async () => {
  await fhir?.close();
});

interface Card {
  summary: string;
  indicator: string;
  source: { topic?: { code: string } };
  links?: { type: string; appContext?: string }[];
}

test('the chosen demo patients exist', () => {
  expect(patients.map((patient) => patient.id).sort()).toEqual([...CHOSEN].sort());
});

test.each(patients.map((patient) => [patient.id, patient] as const))(
  '%s: the timeline lists exactly the patient-view cards',
  async (_id, patient) => {
    const [hook, timeline] = await Promise.all([
      request(app)
        .post('/cds-services/ln-patient-view')
        .send({
          hook: 'patient-view',
          hookInstance: randomUUID(),
          fhirServer: fhir.url,
          context: { patientId: patient.id, userId: `Practitioner/${DEMO_PRACTITIONER_ID}` },
        }),
      request(app).post('/app/api/timeline').send({ fhirServer: fhir.url, patientId: patient.id }),
    ]);
    expect(hook.status).toBe(200);
    expect(timeline.status).toBe(200);
    const fromCards = (hook.body.cards as Card[]).map((card) => {
      const link = card.links?.find((l) => l.type === 'smart');
      const appContext = JSON.parse(link?.appContext ?? '{}') as { focus?: string[] };
      return {
        ruleCode: card.source.topic?.code,
        indicator: card.indicator,
        summary: card.summary,
        triggers: appContext.focus,
      };
    });
    expect(timeline.body.findings).toEqual(fromCards);
    expect([...new Set(fromCards.map((card) => card.ruleCode))].sort()).toEqual(
      [...patient.expectedCodes].sort(),
    );
  },
);
