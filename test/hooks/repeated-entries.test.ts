import request from 'supertest';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * An EHR that lists the same resource twice in one searchset Bundle (same type and id, e.g. a
 * paging glitch) has one order, not two: it is read once. Two different orders of the same
 * product and dose are a reconciliation duplicate instead, and the dose rules stay silent.
 */
const { app } = buildTestApp({ now: '2026-06-01T09:00:00Z' });

const bundle = (resources: unknown[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
const lnClassIv = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
/** MMF 500 mg tablets, 3 twice daily (3000 mg/day), since 2024: above the 1500–2000 mg/day maintenance range. */
const mmf3000 = (id: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  authoredOn: '2024-01-10',
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060' }] },
  dosageInstruction: [{ timing: { code: { text: 'BID' } }, doseAndRate: [{ doseQuantity: { value: 3, unit: 'TAB' } }] }],
});

async function mycophenolateSummaries(medications: unknown[]): Promise<string[]> {
  const response = await request(app)
    .post('/cds-services/ln-patient-view')
    .send({
      hook: 'patient-view',
      hookInstance: '5d0e2c4a-8a7b-4c1e-9f3d-6b2a1c0e9d88',
      context: { userId: 'Practitioner/prac-1', patientId: 'p1' },
      prefetch: {
        patient: null,
        conditions: bundle([lnClassIv]),
        medications: bundle(medications),
        tacrolimus: null,
        mpaTrough: null,
        mpaAuc: null,
        egfr: null,
        weight: null,
      },
    });
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  return (response.body.cards as { summary: string; source: { topic: { code: string } } }[])
    .filter((card) => card.source.topic.code.startsWith('mycophenolate-dose'))
    .map((card) => card.summary);
}

test('warns about MMF 3000 mg/day when the EHR lists the one order twice in its Bundle', async () => {
  const summaries = await mycophenolateSummaries([mmf3000('mmf-1'), mmf3000('mmf-1')]);
  expect(summaries).toHaveLength(1);
  expect(summaries[0]).toMatch(/3000 mg\/day/);
});

test('stays silent when two separate MMF 3000 mg/day orders are on the list (which one is taken is unknown)', async () => {
  expect(await mycophenolateSummaries([mmf3000('mmf-1'), mmf3000('mmf-2')])).toEqual([]);
});
