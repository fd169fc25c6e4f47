import request from 'supertest';
import { DATA_KEYS } from '../../src/fhir/data-keys';
import { OBSERVATION_GROUPS } from '../../src/logic/vocabulary/observation-groups';
import { buildTestApp } from '../support/test-app';

interface Service {
  hook: string;
  id: string;
  title: string;
  description: string;
  prefetch: Record<string, string>;
}

const { app } = buildTestApp({ now: '2026-06-01T09:00:00Z' });

async function services(): Promise<Service[]> {
  const response = await request(app).get('/cds-services').expect(200).expect('Content-Type', /json/);
  return response.body.services as Service[];
}

describe('GET /cds-services (CDS Hooks 2.0 discovery)', () => {
  test('lists the four services of the service contract, each bound to its hook', async () => {
    const listed = (await services()).map(({ id, hook }) => ({ id, hook }));
    expect(listed).toEqual([
      { id: 'ln-patient-view', hook: 'patient-view' },
      { id: 'ln-order-select', hook: 'order-select' },
      { id: 'ln-order-sign', hook: 'order-sign' },
      { id: 'ln-medication-prescribe', hook: 'medication-prescribe' },
    ]);
    for (const service of await services()) {
      expect(service.title.length).toBeGreaterThan(10);
      expect(service.description.length).toBeGreaterThan(40);
    }
  });

  test('asks for the patient, conditions, every MedicationRequest with its Medication, and bounded labs', async () => {
    const [patientView] = await services();
    expect(patientView?.prefetch).toMatchObject({
      patient: 'Patient/{{context.patientId}}',
      conditions: 'Condition?patient={{context.patientId}}',
      medications: 'MedicationRequest?patient={{context.patientId}}&_include=MedicationRequest:medication',
    });
    expect(Object.keys(patientView?.prefetch ?? {}).sort()).toEqual(Object.keys(DATA_KEYS).sort());
  });

  test.each(Object.entries(OBSERVATION_GROUPS))(
    'the %s template asks for exactly the LOINC codes and statuses the rules accept, newest first and bounded',
    async (key, group) => {
      for (const service of await services()) {
        const template = service.prefetch[key];
        expect(template).toBeDefined();
        const params = new URLSearchParams((template ?? '').split('?')[1]);
        expect(params.get('patient')).toBe('{{context.patientId}}');
        expect(params.get('code')?.split(',').sort()).toEqual(group.loinc.map((code) => `http://loinc.org|${code}`).sort());
        expect(params.get('status')?.split(',').sort()).toEqual([...group.statuses].sort());
        expect(params.get('_sort')).toBe('-date');
        expect(Number(params.get('_count'))).toBeGreaterThan(0);
        expect(Number(params.get('_count'))).toBeLessThanOrEqual(20);
      }
    },
  );

  test('every template uses CDS Hooks 2.0 prefetch tokens only', async () => {
    for (const service of await services()) {
      for (const template of Object.values(service.prefetch)) {
        for (const token of template.match(/\{\{[^}]*\}\}/g) ?? []) expect(token).toBe('{{context.patientId}}');
      }
    }
  });
});
