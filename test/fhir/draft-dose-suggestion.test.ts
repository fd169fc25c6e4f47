import { normaliseDraftOrders } from '../../src/fhir/draft-orders';
import { readRecordMedicationRequest } from '../../src/fhir/read-record';
import type { CdsCard } from '../../src/logic/cards/cards';
import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';

/**
 * clinical-rules.md §6: a dose card in an order hook suggests an `update` of the draft order. The
 * draft goes back to the EHR as read, so a Dosage element restating the replaced dose (an STU3
 * dose left beside R4 `doseAndRate`, the old sig's `_text` / `_patientInstruction`) must not
 * survive reading to contradict the new dose in the signed order.
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const UCUM = 'http://unitsofmeasure.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** MMF 500 mg, 4 tablets twice daily (4 g/day), as an EHR might send it with leftovers. */
const dosageWithLeftovers = {
  id: 'dosage-1',
  extension: [{ url: 'http://example.org/ordered-by', valueString: 'resident' }],
  text: '4 tablets twice daily',
  _text: { extension: [{ url: 'http://example.org/typed-by', valueString: 'resident' }] },
  patientInstruction: 'take 4 tablets twice a day',
  _patientInstruction: { extension: [{ url: 'http://example.org/language', valueCode: 'en' }] },
  timing: { repeat: { frequency: 2, period: 1, periodUnit: 'd' } },
  doseAndRate: [{ doseQuantity: { value: 4, unit: 'tablet', system: UCUM, code: '{tbl}' } }],
  doseQuantity: { value: 4, unit: 'tablet' },
};

describe('the dose suggestion for a draft read from an EHR', () => {
  it('proposes 2 tablets twice daily for a 4 g/day MMF draft without the old dose, sig or leftovers', () => {
    const draft = {
      resourceType: 'MedicationRequest',
      id: 'draft-mmf',
      status: 'draft',
      intent: 'order',
      subject: { reference: 'Patient/pt' },
      authoredOn: '2026-06-01',
      medicationCodeableConcept: {
        coding: [{ system: RXNORM, code: '200060', display: 'mycophenolate mofetil 500 MG Oral Tablet' }],
      },
      dosageInstruction: [dosageWithLeftovers],
    };
    // Lupus nephritis in maintenance: induction cyclophosphamide completed two years ago.
    const record: PatientRecord = {
      hook: 'order-sign',
      patientId: 'pt',
      conditions: [
        {
          resourceType: 'Condition',
          id: 'ln',
          subject: { reference: 'Patient/pt' },
          clinicalStatus: { coding: [{ code: 'active' }] },
          code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
        },
      ],
      medicationRequests: [
        readRecordMedicationRequest(
          {
            resourceType: 'MedicationRequest',
            id: 'cyc',
            status: 'completed',
            intent: 'order',
            subject: { reference: 'Patient/pt' },
            authoredOn: '2024-01-01',
            medicationCodeableConcept: {
              coding: [{ system: RXNORM, code: '3002' }],
              text: 'cyclophosphamide',
            },
            dosageInstruction: [
              { timing: { repeat: { boundsPeriod: { start: '2024-01-01', end: '2024-06-01' } } } },
            ],
          },
          0,
          [],
        ),
      ],
      medications: [],
      observations: [],
      draftOrders: normaliseDraftOrders([draft]).orders,
    };
    let id = 0;
    const { cards } = decide({ record, now: NOW, newId: () => `id-${++id}`, targets: DEFAULT_TARGETS });
    const card = cards.find((c: CdsCard) => c.source.topic?.code === 'mycophenolate-dose-high');
    const update = card?.suggestions?.[0]?.actions?.find((action) => action.type === 'update');
    // As the EHR receives it.
    const proposed = JSON.parse(JSON.stringify(update?.resource)) as fhir4.MedicationRequest;
    const [dosage] = proposed.dosageInstruction ?? [];
    expect(Object.keys(dosage ?? {}).sort()).toEqual(['doseAndRate', 'text', 'timing']);
    expect(dosage?.doseAndRate).toEqual([
      { doseQuantity: { value: 2, unit: 'tablet', system: UCUM, code: '{tbl}' } },
    ]);
    expect(dosage?.text).toBe('2 tablets (1000 mg) twice daily');
  });
});
