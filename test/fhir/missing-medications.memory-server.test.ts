import request from 'supertest';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import { buildTestApp } from '../support/test-app';
import { hydroxychloroquineOrder } from '../support/hydroxychloroquine-order';

/**
 * The Medication read against a real FHIR server (dev/memory-fhir-server.ts). Medplum's in-memory
 * repository answers `MedicationRequest?…&_include=MedicationRequest:medication` without the
 * Medications — as an EHR that does not support `_include` — so the service must read each
 * referenced Medication itself.
 */
const TOKEN = 'ehr-access-token-memory-9b2e';
const NOW = '2026-06-01T09:00:00Z';

let fhir: MemoryFhirServer;
beforeAll(async () => {
  fhir = await startMemoryFhirServer();
  await fhir.load(RECORD);
});
afterAll(async () => {
  await fhir?.close();
});

const RECORD = [
  { resourceType: 'Patient', id: 'p77' },
  hydroxychloroquineOrder('p77'),
  {
    resourceType: 'Condition',
    id: 'p77-ln',
    subject: { reference: 'Patient/p77' },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }], text: 'Lupus nephritis, WHO class IV' },
    onsetDateTime: '2023-12-14T09:00:00Z',
  },
  {
    resourceType: 'Medication',
    id: 'mmf-500',
    code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060', display: 'mycophenolate mofetil 500 MG Oral Tablet' }] },
  },
  {
    // MMF 4 × 500 mg twice daily (4 g a day) for 16 months of maintenance.
    resourceType: 'MedicationRequest',
    id: 'p77-mmf',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/p77' },
    authoredOn: '2025-01-17T09:00:00Z',
    medicationReference: { reference: 'Medication/mmf-500' },
    dosageInstruction: [
      {
        text: '4 tablets twice daily',
        timing: { code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'BID' }] }, repeat: { boundsPeriod: { start: '2025-01-17T09:00:00Z' } } },
        doseAndRate: [{ doseQuantity: { value: 4, unit: '{tbl}', system: 'http://unitsofmeasure.org', code: '{tbl}' } }],
      },
    ],
  },
];

const patientView = (fhirServer: string) => ({
  hook: 'patient-view',
  hookInstance: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
  fhirServer,
  fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
});

type Body = { cards: { source: { topic?: { code: string } } }[] };
const codesOf = (body: Body): string[] => body.cards.map((card) => card.source.topic?.code ?? '(no topic)').sort();

describe('an MMF order by medicationReference on a real FHIR server that ignores _include', () => {
  test('the server answers the search without the Medication', async () => {
    const search = await fetch(`${fhir.url}/MedicationRequest?patient=p77&_include=MedicationRequest:medication`);
    const bundle = (await search.json()) as { entry: { resource: { resourceType: string } }[] };
    expect(bundle.entry.map((entry) => entry.resource.resourceType)).toEqual(['MedicationRequest', 'MedicationRequest']);
  });

  test('reads Medication/mmf-500 with the token and warns that MMF 2 g twice daily is above the maintenance range', async () => {
    fhir.requests.length = 0;
    const { app } = buildTestApp({ now: NOW });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(fhir.url));
    expect(response.status).toBe(200);
    expect(codesOf(response.body as Body)).toEqual(['mycophenolate-dose-high']);
    expect(fhir.requests.filter((seen) => seen.url.startsWith('/fhir/Medication/'))).toEqual([
      { method: 'GET', url: '/fhir/Medication/mmf-500', authorization: `Bearer ${TOKEN}` },
    ]);
  });
});
