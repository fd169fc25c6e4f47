import { computeDailyDose } from '../../src/logic/dose/daily-dose';
import { readRecordMedicationRequest } from '../../src/fhir/read-record';

/**
 * clinical-rules.md §2 "Daily dose": administrations per day come
 * from `repeat.frequency` ÷ `period` when frequency is present, else from `timing.code`; "if any
 * part cannot be determined, there is no dose".
 */
const NOW = new Date('2026-06-01T09:00:00Z');

function readDaily(repeat: Record<string, unknown>): ReturnType<typeof computeDailyDose> {
  const request = readRecordMedicationRequest(
    {
      resourceType: 'MedicationRequest',
      id: 'mr-1',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/pt' },
      medicationCodeableConcept: { text: 'prednisone 5 mg tablet' },
      dosageInstruction: [
        {
          timing: { repeat, code: { coding: [{ code: 'QD' }] } },
          doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }],
        },
      ],
    },
    0,
    [],
  );
  return computeDailyDose(request.dosageInstruction, { now: NOW });
}

describe('an unreadable repeat.frequency never falls back to timing.code', () => {
  it('gives no dose for prednisone 5 mg "2" (a string) per 1 d coded QD, rather than 5 mg/day', () => {
    expect(readDaily({ frequency: '2', period: 1, periodUnit: 'd' })).toMatchObject({ ok: false });
  });

  it('still reads the QD code when the repeat holds only bounds: 5 mg/day', () => {
    expect(readDaily({ boundsPeriod: { start: '2026-01-01' } })).toMatchObject({ ok: true, mgPerDay: 5 });
  });

  it('reads a numeric frequency of 2 per day over the QD code: 10 mg/day', () => {
    expect(readDaily({ frequency: 2, period: 1, periodUnit: 'd' })).toMatchObject({ ok: true, mgPerDay: 10 });
  });
});

describe('an unreadable asNeededBoolean gives no dose rather than a scheduled one (§2: PRN never "low")', () => {
  function readDose(asNeeded: unknown): ReturnType<typeof computeDailyDose> {
    const request = readRecordMedicationRequest(
      {
        resourceType: 'MedicationRequest',
        id: 'mr-2',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/pt' },
        medicationCodeableConcept: { text: 'azathioprine 50 mg tablet' },
        dosageInstruction: [
          {
            asNeededBoolean: asNeeded,
            timing: { code: { coding: [{ code: 'QD' }] } },
            doseAndRate: [{ doseQuantity: { value: 50, unit: 'mg' } }],
          },
        ],
      },
      0,
      [],
    );
    return computeDailyDose(request.dosageInstruction, { now: NOW });
  }

  it('azathioprine 50 mg QD with asNeededBoolean "true" (a string): no dose', () => {
    expect(readDose('true')).toMatchObject({ ok: false });
  });

  it('azathioprine 50 mg QD with asNeededBoolean true: 50 mg/day as needed', () => {
    expect(readDose(true)).toMatchObject({ ok: true, mgPerDay: 50, prn: true });
  });

  it('azathioprine 50 mg QD with asNeededBoolean false: 50 mg/day scheduled', () => {
    expect(readDose(false)).toMatchObject({ ok: true, mgPerDay: 50, prn: false });
  });
});

describe('a taper whose sequence numbers are strings is not summed as concurrent doses (§7 taper steps)', () => {
  it('prednisone 20 mg then 10 mg with sequence "1" / "2": no dose, never 30 mg/day', () => {
    const step = (sequence: unknown, mg: number, start: string, end: string) => ({
      sequence,
      timing: { repeat: { boundsPeriod: { start, end } }, code: { coding: [{ code: 'QD' }] } },
      doseAndRate: [{ doseQuantity: { value: mg, unit: 'mg' } }],
    });
    const read = (first: unknown, second: unknown) =>
      computeDailyDose(
        readRecordMedicationRequest(
          {
            resourceType: 'MedicationRequest',
            id: 'mr-3',
            status: 'active',
            intent: 'order',
            subject: { reference: 'Patient/pt' },
            medicationCodeableConcept: { text: 'prednisone 5 mg tablet' },
            dosageInstruction: [
              step(first, 20, '2026-05-01', '2026-05-31'),
              step(second, 10, '2026-05-31', '2026-06-30'),
            ],
          },
          0,
          [],
        ).dosageInstruction,
        { now: NOW },
      );
    expect(read('1', '2')).toMatchObject({ ok: false });
    expect(read(1, 2)).toMatchObject({ ok: true, mgPerDay: 10 });
  });
});
