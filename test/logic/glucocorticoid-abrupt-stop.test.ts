import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, mmf, order, record, sequentialIds, type OrderOptions } from './record-builders';

/**
 * clinical-rules-wave2.md §4.3 glucocorticoid-abrupt-stop and §3 "continuous glucocorticoid run":
 * a draft that ends all glucocorticoid at ≥ 5 mg/day prednisone-equivalent after a run of ≥ 28 days.
 * NOW = 2026-06-01T09:00Z.
 */
function decideWith(parts: Partial<PatientRecord>) {
  return decide({
    record: record({ hook: 'order-sign', ...parts }),
    now: NOW,
    newId: sequentialIds(),
    targets: DEFAULT_TARGETS,
  });
}
const abruptStops = (parts: Partial<PatientRecord>) =>
  decideWith(parts).cards.filter((c) => c.source.topic?.code === 'glucocorticoid-abrupt-stop');
const summariesOf = (parts: Partial<PatientRecord>) => abruptStops(parts).map((c) => c.summary);

const prednisone = (options: OrderOptions) =>
  order({ rxnorm: '312617', text: 'prednisone 5 MG Oral Tablet', timingCode: 'QD', doseMg: 5, ...options });
const stopPrednisone = (options: OrderOptions = {}) =>
  prednisone({ id: 'stop', status: 'stopped', start: NOW.toISOString(), ...options });
const hydrocortisone = (options: OrderOptions) =>
  order({ text: 'hydrocortisone 10 MG Oral Tablet', timingCode: 'BID', doseMg: 10, ...options });
/** LN maintenance therapy alongside, so only the glucocorticoid changes. */
const mmfSince2023 = mmf({ id: 'mmf', start: '2023-09-01', doseMg: 1000 });

const days = (n: number) => new Date(NOW.getTime() + n * 86_400_000).toISOString();

describe('glucocorticoid-abrupt-stop fires (§4.3)', () => {
  it('warns when prednisone 5 mg daily since 2023-09-01 is stopped with nothing else', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, prednisone({ start: '2023-09-01' })],
        draftOrders: [stopPrednisone()],
      }),
    ).toEqual([
      'Prednisone 5 mg/day stopped after 33 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
  });

  it('names methylprednisolone with its own dose: 4 mg/day is 5 mg prednisone-equivalent', () => {
    const medrol = (options: OrderOptions) =>
      order({ text: 'methylprednisolone 4 MG Oral Tablet', timingCode: 'QD', doseMg: 4, ...options });
    const cards = abruptStops({
      medicationRequests: [mmfSince2023, medrol({ start: '2025-01-01' })],
      draftOrders: [medrol({ id: 'stop', status: 'stopped', start: NOW.toISOString() })],
    });
    expect(cards.map((c) => c.summary)).toEqual([
      'Methylprednisolone 4 mg/day stopped after 17 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
    expect(cards[0]?.detail).toContain('4 mg once daily → 5 mg/day prednisone-equivalent');
  });

  it('adds up two glucocorticoids stopped together and states their prednisone-equivalent total', () => {
    const prednisolone = order({
      text: 'prednisolone 2.5 MG Oral Tablet',
      timingCode: 'QD',
      doseMg: 2.5,
      start: '2025-01-01',
    });
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, prednisone({ start: '2025-01-01', doseMg: 2.5 }), prednisolone],
        draftOrders: [
          stopPrednisone(),
          order({
            id: 'stop2',
            text: 'prednisolone 2.5 MG Oral Tablet',
            status: 'stopped',
            start: NOW.toISOString(),
          }),
        ],
      }),
    ).toEqual([
      'Glucocorticoids 5 mg/day prednisone-eq. stopped after 17 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
  });
});

describe('dose stopped: 5 mg/day inclusive (§4.3 item 3)', () => {
  const stoppedAt = (doseMg: number) =>
    summariesOf({
      medicationRequests: [mmfSince2023, prednisone({ start: '2024-01-01', doseMg })],
      draftOrders: [stopPrednisone({ doseMg })],
    });

  it('warns at exactly 5 mg/day', () => expect(stoppedAt(5)).toHaveLength(1));

  it('is silent at 4.9 and 4 mg/day: the last taper steps are stopped deliberately', () => {
    expect(stoppedAt(4.9)).toEqual([]);
    expect(stoppedAt(4)).toEqual([]);
  });

  it('is silent when the active dose cannot be read, and notes why', () => {
    const unreadable: fhir4.MedicationRequest = {
      ...prednisone({ start: '2024-01-01' }),
      dosageInstruction: [{ text: 'as directed' }],
    };
    const decision = decideWith({
      medicationRequests: [mmfSince2023, unreadable],
      draftOrders: [stopPrednisone()],
    });
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(
      'glucocorticoid-abrupt-stop: prednisone dose unreadable (no doseAndRate)',
    );
  });

  it('is silent for two identical active prednisone orders (a reconciliation duplicate)', () => {
    const decision = decideWith({
      medicationRequests: [
        mmfSince2023,
        prednisone({ start: '2024-01-01' }),
        prednisone({ start: '2024-03-01' }),
      ],
      draftOrders: [stopPrednisone()],
    });
    expect(decision.cards).toEqual([]);
    expect(
      decision.notes.some((n) =>
        n.startsWith('glucocorticoid-abrupt-stop: prednisone 5 mg/day ordered more than once'),
      ),
    ).toBe(true);
  });

  it('is silent when the prednisone stopped is not active (nothing is stopped)', () => {
    const ended = prednisone({ start: '2024-01-01', end: '2026-01-01', status: 'completed' });
    expect(
      summariesOf({ medicationRequests: [mmfSince2023, ended], draftOrders: [stopPrednisone()] }),
    ).toEqual([]);
  });

  it('is silent when only hydrocortisone replacement is stopped (no prednisone equivalent on the page)', () => {
    const decision = decideWith({
      medicationRequests: [mmfSince2023, hydrocortisone({ start: '2024-01-01' })],
      draftOrders: [hydrocortisone({ id: 'stop', status: 'stopped', start: NOW.toISOString() })],
    });
    expect(decision.cards).toEqual([]);
    expect(decision.notes).toContain(
      'glucocorticoid-abrupt-stop: no prednisone-equivalent dose stopped (hydrocortisone or dexamethasone only)',
    );
  });
});

describe('still covered: a glucocorticoid continues (§4.3 item 2)', () => {
  it('is silent when prednisone 7.5 mg is stopped and hydrocortisone 10 mg twice daily is drafted', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, prednisone({ start: '2024-07-01', doseMg: 7.5 })],
        draftOrders: [
          stopPrednisone({ doseMg: 7.5 }),
          hydrocortisone({ id: 'hc', status: 'draft', start: NOW.toISOString() }),
        ],
      }),
    ).toEqual([]);
  });

  it('is silent when another glucocorticoid order stays active', () => {
    const methylprednisolone = order({
      text: 'methylprednisolone 4 MG Oral Tablet',
      timingCode: 'QD',
      doseMg: 4,
      start: '2025-01-01',
    });
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, prednisone({ start: '2024-01-01' }), methylprednisolone],
        draftOrders: [stopPrednisone()],
      }),
    ).toEqual([]);
  });

  it('is silent when a lower prednisone dose is drafted with the stop (a taper step)', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, prednisone({ start: '2024-01-01' })],
        draftOrders: [
          stopPrednisone(),
          prednisone({ id: 'next', status: 'draft', start: NOW.toISOString(), doseMg: 4 }),
        ],
      }),
    ).toEqual([]);
  });
});

describe('continuous run: 28 days inclusive, 7-day gap inclusive (§3)', () => {
  const stopAfterRunFrom = (start: string, doseMg = 40) =>
    summariesOf({
      medicationRequests: [mmfSince2023, prednisone({ start, doseMg })],
      draftOrders: [stopPrednisone({ doseMg })],
    });

  it('is silent for prednisone 40 mg started 2026-05-20 (a 12-day burst)', () => {
    expect(stopAfterRunFrom('2026-05-20')).toEqual([]);
  });

  it('warns after exactly 28 days and is silent after 27', () => {
    expect(stopAfterRunFrom(days(-28))).toEqual([
      'Prednisone 40 mg/day stopped after 4 weeks without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
    expect(stopAfterRunFrom(days(-27))).toEqual([]);
  });

  const current = prednisone({ id: 'current', start: '2026-05-10T00:00:00Z' }); // 22 days alone
  const older = (end: string) =>
    prednisone({ id: 'older', start: '2026-03-01T00:00:00Z', end, status: 'completed' });

  it('joins an older order that ended exactly 7 days before the run', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, current, older('2026-05-03T00:00:00Z')],
        draftOrders: [stopPrednisone()],
      }),
    ).toEqual([
      'Prednisone 5 mg/day stopped after 3 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
  });

  it('does not join an older order that ended more than 7 days before the run', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, current, older('2026-05-02T23:59:59Z')],
        draftOrders: [stopPrednisone()],
      }),
    ).toEqual([]);
  });

  const stoppedWithoutEnd = prednisone({ id: 'older', start: '2025-01-01', status: 'stopped' });

  it('does not join an older stopped order whose end is unknown (its real end could be long ago)', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, current, stoppedWithoutEnd],
        draftOrders: [stopPrednisone()],
      }),
    ).toEqual([]);
  });

  it('joins it when the current order names it in priorPrescription, and follows the chain', () => {
    const renewal = { ...current, priorPrescription: { reference: 'MedicationRequest/middle' } };
    const middle = {
      ...prednisone({ id: 'middle', start: '2025-09-01', status: 'stopped' }),
      priorPrescription: { reference: 'https://ehr.example/fhir/MedicationRequest/older/_history/2' },
    };
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, renewal, middle, stoppedWithoutEnd],
        draftOrders: [stopPrednisone()],
      }),
    ).toEqual([
      'Prednisone 5 mg/day stopped after 17 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
  });

  it('counts hydrocortisone before prednisone as part of the run', () => {
    const hcBefore = hydrocortisone({
      start: '2026-01-01T00:00:00Z',
      end: '2026-05-09T00:00:00Z',
      status: 'completed',
    });
    expect(
      summariesOf({ medicationRequests: [mmfSince2023, current, hcBefore], draftOrders: [stopPrednisone()] }),
    ).toHaveLength(1);
  });
});

describe('a draft that ends within 14 days (§4.3 item 1 ii)', () => {
  const longTerm = prednisone({ id: 'long', start: '2025-01-01', doseMg: 10 });
  const lastCourse = (end: string, doseMg = 10) =>
    prednisone({ id: 'course', status: 'draft', start: NOW.toISOString(), end, doseMg });

  it('warns for a renewal of prednisone 10 mg ending in exactly 14 days with nothing after it', () => {
    const cards = abruptStops({
      medicationRequests: [mmfSince2023, longTerm],
      draftOrders: [lastCourse(days(14))],
    });
    expect(cards.map((c) => c.summary)).toEqual([
      'Prednisone 10 mg/day stopped after 17 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
    expect(cards[0]?.detail).toContain(
      'Continuous glucocorticoid therapy since 2025-01-01 (17 months), ending on 2026-06-15 with the draft order; no glucocorticoid continues after it.',
    );
  });

  it('is silent when the draft ends more than 14 days from now', () => {
    expect(
      summariesOf({
        medicationRequests: [mmfSince2023, longTerm],
        draftOrders: [lastCourse(new Date(NOW.getTime() + 14 * 86_400_000 + 1000).toISOString())],
      }),
    ).toEqual([]);
  });

  /** A two-step taper draft: 10 mg for a week, then `lastMg` for a week, then nothing. */
  const taper = (lastMg: number): fhir4.MedicationRequest => {
    const step = (sequence: number, start: string, end: string, doseMg: number): fhir4.Dosage => ({
      sequence,
      timing: { repeat: { boundsPeriod: { start, end } }, code: { coding: [{ code: 'QD' }] } },
      doseAndRate: [
        { doseQuantity: { value: doseMg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
      ],
    });
    return {
      ...lastCourse(days(14)),
      dosageInstruction: [step(1, NOW.toISOString(), days(7), 10), step(2, days(7), days(14), lastMg)],
    };
  };

  it('judges the dose of the step that contains the end: 5 mg last step warns, 4 mg is silent', () => {
    expect(summariesOf({ medicationRequests: [mmfSince2023, longTerm], draftOrders: [taper(5)] })).toEqual([
      'Prednisone 5 mg/day stopped after 17 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
    ]);
    expect(summariesOf({ medicationRequests: [mmfSince2023, longTerm], draftOrders: [taper(4)] })).toEqual(
      [],
    );
  });
});

describe('hooks (§4.3)', () => {
  it('never runs in patient-view, where the end of a past order is unknown', () => {
    const stopped = prednisone({ start: '2023-09-01', status: 'stopped' });
    expect(summariesOf({ hook: 'patient-view', medicationRequests: [mmfSince2023, stopped] })).toEqual([]);
  });

  it('runs in order-select and medication-prescribe as in order-sign', () => {
    for (const hook of ['order-select', 'medication-prescribe'] as const) {
      expect(
        summariesOf({
          hook,
          medicationRequests: [mmfSince2023, prednisone({ start: '2023-09-01' })],
          draftOrders: [stopPrednisone()],
        }),
      ).toHaveLength(1);
    }
  });
});
