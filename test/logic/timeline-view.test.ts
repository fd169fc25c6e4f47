import { buildTimelineView } from '../../src/logic/timeline/timeline-view';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import type { RuleCode } from '../../src/logic/vocabulary/rule-codes';
import { NOW, condition, mmf, order, record, result, tacrolimus, tacrolimusLevel } from './record-builders';

/**
 * The immunosuppression timeline the SMART app draws: every value read as the cards read it
 * (units, dates, phase, daily doses), the findings of the active rules pointing at what
 * triggered them, and nothing unreadable dropped. NOW is 2026-06-01.
 */
const viewOf = (parts: Partial<PatientRecord>, modeOf?: (code: RuleCode) => 'active' | 'shadow' | 'off') =>
  buildTimelineView({ record: record(parts), now: NOW, targets: DEFAULT_TARGETS, modeOf }).view;
const seriesOf = (view: ReturnType<typeof viewOf>, key: string) => view.series.find((s) => s.key === key);

const EGFR = '98979-8';
const egfr = (id: string, value: number, date: string, status: fhir4.Observation['status'] = 'final') =>
  result({ id, loinc: EGFR, value, unit: 'mL/min/{1.73_m2}', date, status });
const prednisone = (options: Parameters<typeof order>[0]) =>
  order({ text: 'prednisone 5 MG Oral Tablet', timingCode: 'QD', ...options });

describe('tacrolimus troughs against the LN maintenance band', () => {
  const troughLow = {
    medicationRequests: [tacrolimus({ id: 'tac', start: '2024-03-15', doseMg: 2 })],
    observations: [
      tacrolimusLevel(4.8, { id: 't2', date: '2026-02-11T08:00:00Z' }),
      tacrolimusLevel(3.1, { id: 't3', date: '2026-05-20T08:00:00Z' }),
    ],
  };

  it('shows a trough of 3.1 ng/mL below the 4–6 ng/mL band, with the finding pointing at it', () => {
    const view = viewOf(troughLow);
    expect(seriesOf(view, 'tacrolimus')).toEqual({
      key: 'tacrolimus',
      label: 'Tacrolimus trough',
      unit: 'ng/mL',
      points: [
        { reference: 'Observation/t2', at: '2026-02-11T08:00:00.000Z', value: 4.8 },
        { reference: 'Observation/t3', at: '2026-05-20T08:00:00.000Z', value: 3.1 },
      ],
    });
    expect(view.targets.tacrolimus).toEqual({
      min: 4,
      max: 6,
      unit: 'ng/mL',
      phase: 'maintenance',
      source: 'KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance',
    });
    expect(view.findings).toEqual([
      {
        ruleCode: 'tacrolimus-trough-low',
        indicator: 'warning',
        summary: 'Tacrolimus trough 3.1 ng/mL is below the LN maintenance target of 4–6 ng/mL',
        triggers: ['Observation/t3', 'MedicationRequest/tac'],
      },
    ]);
  });

  it('converts a trough reported as 9 nmol/L to 7.24 ng/mL and keeps what was reported', () => {
    const view = viewOf({
      ...troughLow,
      observations: [tacrolimusLevel(9, { id: 't9', unit: 'nmol/L', date: '2026-05-20T08:00:00Z' })],
    });
    expect(seriesOf(view, 'tacrolimus')?.points).toEqual([
      {
        reference: 'Observation/t9',
        at: '2026-05-20T08:00:00.000Z',
        value: 7.24,
        reported: { value: 9, unit: 'nmol/L' },
      },
    ]);
    expect(view.findings.map((f) => f.ruleCode)).toEqual(['tacrolimus-trough-high']);
  });

  it('shows a trough "< 2.0 ng/mL" with its comparator', () => {
    const view = viewOf({
      ...troughLow,
      observations: [tacrolimusLevel(2, { id: 'tlt', comparator: '<', date: '2026-05-20T08:00:00Z' })],
    });
    expect(seriesOf(view, 'tacrolimus')?.points).toEqual([
      { reference: 'Observation/tlt', at: '2026-05-20T08:00:00.000Z', value: 2, comparator: '<' },
    ]);
  });

  it('lists a trough whose unit cannot be read as unreadable, with no value, and raises no card on it', () => {
    const view = viewOf({
      ...troughLow,
      observations: [tacrolimusLevel(3.1, { id: 'tbad', unit: 'mg/dL/h', date: '2026-05-20T08:00:00Z' })],
    });
    const points = seriesOf(view, 'tacrolimus')?.points ?? [];
    expect(points).toEqual([
      { reference: 'Observation/tbad', at: '2026-05-20T08:00:00.000Z', unreadable: expect.any(String) },
    ]);
    expect(points[0]?.unreadable).toMatch(/unit/);
    expect(view.findings).toEqual([]);
  });

  it('lists a trough without a date, and one dated after now, as unreadable instead of dropping them', () => {
    const undated: fhir4.Observation = {
      ...tacrolimusLevel(5, { id: 'tnodate' }),
      effectiveDateTime: undefined,
    };
    const view = viewOf({
      ...troughLow,
      observations: [undated, tacrolimusLevel(5.2, { id: 'tfuture', date: '2026-07-01T08:00:00Z' })],
    });
    expect(seriesOf(view, 'tacrolimus')?.points).toEqual([
      { reference: 'Observation/tfuture', at: '2026-07-01T08:00:00.000Z', unreadable: 'dated after now' },
      { reference: 'Observation/tnodate', unreadable: 'no readable date' },
    ]);
  });

  it('leaves a trough entered in error off the chart, as the rules do', () => {
    const view = viewOf({
      ...troughLow,
      observations: [tacrolimusLevel(3.1, { id: 'terr', status: 'entered-in-error' })],
    });
    expect(seriesOf(view, 'tacrolimus')?.points).toEqual([]);
  });

  it('does not list the finding of a rule a site runs in shadow mode', () => {
    const view = viewOf(troughLow, (code) => (code === 'tacrolimus-trough-low' ? 'shadow' : 'active'));
    expect(view.findings).toEqual([]);
  });
});

describe('dose bars', () => {
  it('labels each mycophenolate and prednisone order with its daily dose, the stopped one ending where it stopped', () => {
    const view = viewOf({
      medicationRequests: [
        mmf({ id: 'mmf-old', status: 'stopped', start: '2024-03-15', end: '2025-09-01', doseMg: 1500 }),
        mmf({ id: 'mmf-now', start: '2025-09-01', doseMg: 1000 }),
        prednisone({ id: 'pred', start: '2024-03-15', doseMg: 5 }),
      ],
    });
    expect(view.orders).toEqual([
      {
        reference: 'MedicationRequest/mmf-old',
        group: 'mycophenolate',
        drug: 'Mycophenolate mofetil',
        status: 'stopped',
        start: '2024-03-15',
        end: '2025-09-01',
        dailyDose: { mgPerDay: 3000, text: '3000 mg/day (1500 mg twice daily)' },
      },
      {
        reference: 'MedicationRequest/pred',
        group: 'prednisone',
        drug: 'Prednisone',
        status: 'active',
        start: '2024-03-15',
        dailyDose: { mgPerDay: 5, text: '5 mg/day (5 mg once daily)' },
      },
      {
        reference: 'MedicationRequest/mmf-now',
        group: 'mycophenolate',
        drug: 'Mycophenolate mofetil',
        status: 'active',
        start: '2025-09-01',
        dailyDose: { mgPerDay: 2000, text: '2000 mg/day (1000 mg twice daily)' },
      },
    ]);
  });

  it('says a stopped order without a recorded end ended at an unknown time, never today, while a completed course keeps its end', () => {
    const view = viewOf({
      medicationRequests: [
        mmf({ id: 'mmf-stopped', status: 'stopped', start: '2024-03-15', doseMg: 1000 }),
        mmf({ id: 'mmf-cut-short', status: 'stopped', start: '2025-09-01', end: '2027-09-01', doseMg: 750 }),
        prednisone({
          id: 'pred-course',
          status: 'completed',
          start: '2024-03-15',
          end: '2024-09-15',
          doseMg: 5,
        }),
      ],
    });
    const endOf = (id: string) => {
      const bar = view.orders.find((candidate) => candidate.reference === `MedicationRequest/${id}`);
      return { end: bar?.end, endUnknown: bar?.endUnknown };
    };
    expect(endOf('mmf-stopped')).toEqual({ end: undefined, endUnknown: true });
    expect(endOf('mmf-cut-short')).toEqual({ end: undefined, endUnknown: true });
    expect(endOf('pred-course')).toEqual({ end: '2024-09-15', endUnknown: undefined });
    expect(view.orders.map((bar) => bar.end)).not.toContain(NOW.toISOString());
  });

  it('draws an order whose dose cannot be read, saying why, and leaves out drugs that are not LN immunosuppression', () => {
    const noTiming = mmf({ id: 'mmf-sig', start: '2025-09-01' });
    noTiming.dosageInstruction = [{ text: 'as directed' }];
    const view = viewOf({
      medicationRequests: [
        noTiming,
        order({ id: 'hcq', text: 'hydroxychloroquine 200 MG Oral Tablet', start: '2024-03-15', doseMg: 200 }),
      ],
    });
    expect(view.orders).toEqual([
      {
        reference: 'MedicationRequest/mmf-sig',
        group: 'mycophenolate',
        drug: 'Mycophenolate mofetil',
        status: 'active',
        start: '2025-09-01',
        doseUnreadable: 'no doseAndRate',
      },
    ]);
  });
});

describe('kidney function', () => {
  it('shows the eGFR series oldest first in mL/min/1.73 m², without the result entered in error', () => {
    const view = viewOf({
      medicationRequests: [tacrolimus({ id: 'tac', start: '2024-03-15' })],
      observations: [
        egfr('e3', 52, '2026-05-01T08:00:00Z'),
        egfr('e1', 71, '2025-06-01T08:00:00Z'),
        egfr('e2', 64, '2025-12-01T08:00:00Z'),
        egfr('ex', 12, '2026-05-02T08:00:00Z', 'entered-in-error'),
      ],
    });
    expect(seriesOf(view, 'egfr')).toEqual({
      key: 'egfr',
      label: 'eGFR',
      unit: 'mL/min/1.73 m²',
      points: [
        { reference: 'Observation/e1', at: '2025-06-01T08:00:00.000Z', value: 71 },
        { reference: 'Observation/e2', at: '2025-12-01T08:00:00.000Z', value: 64 },
        { reference: 'Observation/e3', at: '2026-05-01T08:00:00.000Z', value: 52 },
      ],
    });
  });
});

describe('phase and the 36-month mark', () => {
  it('marks the end of induction 6 months and the 36-month mark 3 years after therapy started on 2024-03-15', () => {
    const view = viewOf({ medicationRequests: [mmf({ id: 'mmf', start: '2024-03-15', doseMg: 1000 })] });
    expect(view).toMatchObject({
      inScope: true,
      phase: 'maintenance',
      therapyStart: '2024-03-15',
      inductionEnd: '2024-09-15',
      maintenanceMark: '2027-03-15',
    });
    expect(view.reInduction).toBeUndefined();
  });

  it('restarts induction and the 36-month clock at a re-induction with cyclophosphamide on 2026-03-01', () => {
    const view = viewOf({
      medicationRequests: [
        mmf({ id: 'mmf', start: '2022-01-10', doseMg: 1500 }),
        order({
          id: 'cyc',
          rxnorm: '3002',
          text: 'cyclophosphamide',
          start: '2026-03-01',
          doseMg: 500,
          timingCode: 'QD',
          status: 'completed',
        }),
      ],
    });
    expect(view).toMatchObject({
      phase: 'induction',
      therapyStart: '2022-01-10',
      reInduction: { start: '2026-03-01', reference: 'MedicationRequest/cyc' },
      inductionEnd: '2026-09-01',
      maintenanceMark: '2029-03-01',
    });
    expect(view.orders.map((o) => o.group)).toEqual(['mycophenolate', 'cyclophosphamide']);
  });

  it('has no phase for a patient with LN and no immunosuppression yet, and still shows the band', () => {
    const view = viewOf({});
    expect(view.inScope).toBe(true);
    expect(view.phase).toBeUndefined();
    expect(view.therapyStart).toBeUndefined();
    expect(view.targets.tacrolimus).not.toBeNull();
    expect(view.series.every((s) => s.points.length === 0)).toBe(true);
  });
});

describe('patients the LN rules do not apply to', () => {
  it('says a kidney transplant recipient is out of scope: no phase, no band, no findings, the results still listed', () => {
    const view = viewOf({
      conditions: [
        condition('http://hl7.org/fhir/sid/icd-10-cm', 'Z94.0'),
        condition('http://snomed.info/sct', '36402006'),
      ],
      medicationRequests: [tacrolimus({ id: 'tac', start: '2024-03-15' })],
      observations: [tacrolimusLevel(3.1, { id: 't3' })],
    });
    expect(view).toMatchObject({
      inScope: false,
      scopeReason: 'transplant',
      findings: [],
      targets: { tacrolimus: null },
    });
    expect(view.phase).toBeUndefined();
    expect(seriesOf(view, 'tacrolimus')?.points).toHaveLength(1);
  });

  it('says a patient without a lupus nephritis condition is out of scope', () => {
    const view = viewOf({ conditions: [] });
    expect(view).toMatchObject({ inScope: false, scopeReason: 'no-lupus-nephritis', findings: [] });
  });
});

it('lists the optional data that could not be read', () => {
  const view = viewOf({ unavailable: new Set(['egfrHistory', 'allergies']) });
  expect(view.unavailable).toEqual(['allergies', 'egfrHistory']);
  expect(view.now).toBe('2026-06-01T09:00:00.000Z');
  expect(view.patientId).toBe('pt');
});

describe('times', () => {
  it('writes a result dated without a time of day as its date, so that no time zone moves it to the day before', () => {
    const view = viewOf({
      medicationRequests: [tacrolimus({ id: 'tac', start: '2024-03-15' })],
      observations: [
        tacrolimusLevel(4.6, { id: 'day-only', date: '2026-05-20' }),
        tacrolimusLevel(4.9, { id: 'with-time', date: '2026-05-21T07:30:00+02:00' }),
      ],
    });
    expect(seriesOf(view, 'tacrolimus')?.points).toEqual([
      { reference: 'Observation/day-only', at: '2026-05-20', value: 4.6 },
      { reference: 'Observation/with-time', at: '2026-05-21T05:30:00.000Z', value: 4.9 },
    ]);
    expect(view.orders[0]?.start).toBe('2024-03-15');
  });
});
