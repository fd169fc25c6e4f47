import { decide } from '../../src/logic/decide';
import { buildOrders } from '../../src/logic/record/medication-orders';
import { buildTimeline } from '../../src/logic/record/timeline';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { fixturesDir, loadAcceptanceCases } from '../support/fixtures';
import { NOW, mmf, order, record, sequentialIds, tacrolimus } from './record-builders';

/**
 * clinical-rules-wave2.md §4.7a: a cyclophosphamide, anti-CD20 or IV methylprednisolone pulse start
 * at least 6 months into therapy is a re-induction; the phase is induction again for 6 months after
 * the first event of the latest course (R), and the 36-month clock counts from R.
 */
function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}
const codesOf = (parts: Partial<PatientRecord>) => decideWith(parts).cards.map((c) => c.source.topic?.code);

function timelineOf(history: fhir4.MedicationRequest[], drafts: fhir4.MedicationRequest[] = [], now = NOW) {
  const notes: string[] = [];
  const note = (n: string) => notes.push(n);
  const built = buildOrders({ medicationRequests: history, draftOrders: drafts, medications: [], now, note });
  return { notes, timeline: buildTimeline(built.orders, now, DEFAULT_TARGETS, drafts.length > 0, note) };
}
const reInductionOf = (
  history: fhir4.MedicationRequest[],
  drafts: fhir4.MedicationRequest[] = [],
  now = NOW,
) => timelineOf(history, drafts, now).timeline.reInduction?.start.toISOString();

const rituximab = (
  start: string,
  options: { status?: fhir4.MedicationRequest['status']; end?: string } = {},
) => order({ rxnorm: '121191', text: 'rituximab', start, doseMg: 1000, timingCode: 'QD', ...options });
const cyclophosphamide = (start: string) =>
  order({
    rxnorm: '3002',
    text: 'cyclophosphamide',
    start,
    doseMg: 500,
    timingCode: 'QD',
    status: 'completed',
  });
const methylprednisolone = (start: string, doseMg: number, route: string) =>
  order({
    text: 'methylprednisolone sodium succinate 500 MG Injection',
    start,
    doseMg,
    route,
    timingCode: 'QD',
    status: 'completed',
    end: start.replace(/T.*/, 'T23:59:59Z'),
  });
/** MMF 1.5 g twice daily (3 g/day) since 2022-01-10: therapy start. */
const mmf3gSince2022 = () => mmf({ id: 'mmf', start: '2022-01-10', doseMg: 1500 });

describe('re-induction events (§4.7a)', () => {
  it('reads rituximab first given on 2026-03-01, four years into therapy, as a re-induction', () => {
    expect(
      reInductionOf([mmf3gSince2022(), rituximab('2026-03-01', { status: 'completed', end: '2026-03-15' })]),
    ).toBe('2026-03-01T00:00:00.000Z');
  });

  it('counts an event exactly 6 months after therapy start, not one a day earlier (inclusive)', () => {
    const therapy = mmf({ start: '2025-06-01T00:00:00Z' });
    expect(reInductionOf([therapy, rituximab('2025-12-01T00:00:00Z')])).toBe('2025-12-01T00:00:00.000Z');
    expect(reInductionOf([therapy, rituximab('2025-11-30T23:59:59Z')])).toBeUndefined();
  });

  it('does not read the initial cyclophosphamide induction as a re-induction', () => {
    expect(reInductionOf([cyclophosphamide('2025-01-10'), mmf({ start: '2025-07-10' })])).toBeUndefined();
  });

  it('keeps a second event less than 6 months after the first in the same course (R = the first)', () => {
    const history = [mmf3gSince2022(), cyclophosphamide('2025-10-01'), rituximab('2026-03-31T23:59:59Z')];
    expect(reInductionOf(history)).toBe('2025-10-01T00:00:00.000Z');
    const { timeline } = timelineOf(history);
    expect(timeline.phase).toBe('maintenance'); // 2025-10-01 + 6 months has passed
  });

  it('starts a new course with an event exactly 6 months after the previous one', () => {
    expect(reInductionOf([mmf3gSince2022(), cyclophosphamide('2025-10-01'), rituximab('2026-04-01')])).toBe(
      '2026-04-01T00:00:00.000Z',
    );
  });

  it('chains events each less than 6 months apart into one course', () => {
    const monthly = ['2025-06-01', '2025-11-01', '2026-04-01'].map(cyclophosphamide);
    expect(reInductionOf([mmf3gSince2022(), ...monthly])).toBe('2025-06-01T00:00:00.000Z');
  });

  it('counts IV methylprednisolone 250 mg as a pulse but not 240 mg', () => {
    expect(reInductionOf([mmf3gSince2022(), methylprednisolone('2026-03-01', 250, 'intravenous')])).toBe(
      '2026-03-01T00:00:00.000Z',
    );
    expect(
      reInductionOf([mmf3gSince2022(), methylprednisolone('2026-03-01', 240, 'intravenous')]),
    ).toBeUndefined();
  });

  it('does not count oral methylprednisolone 500 mg (an oral burst is not a re-induction)', () => {
    expect(reInductionOf([mmf3gSince2022(), methylprednisolone('2026-03-01', 500, 'oral')])).toBeUndefined();
    expect(reInductionOf([mmf3gSince2022(), methylprednisolone('2026-03-01', 500, 'IV/PO')])).toBeUndefined();
  });

  it('does not count methylprednisolone without a route', () => {
    const noRoute = order({ text: 'methylprednisolone 500 MG Injection', start: '2026-03-01', doseMg: 500 });
    expect(reInductionOf([mmf3gSince2022(), noRoute])).toBeUndefined();
  });

  it('reads the intravenous route from SNOMED CT 47625008 without text, and a dose written in grams', () => {
    const pulse = methylprednisolone('2026-03-01', 1, 'x');
    const dosage = pulse.dosageInstruction?.[0] ?? {};
    const coded: fhir4.MedicationRequest = {
      ...pulse,
      dosageInstruction: [
        {
          ...dosage,
          route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008' }] },
          doseAndRate: [
            { doseQuantity: { value: 1, unit: 'g', system: 'http://unitsofmeasure.org', code: 'g' } },
          ],
        },
      ],
    };
    expect(reInductionOf([mmf3gSince2022(), coded])).toBe('2026-03-01T00:00:00.000Z');
  });

  it('reads "IV" in the route text as intravenous', () => {
    expect(reInductionOf([mmf3gSince2022(), methylprednisolone('2026-03-01', 500, 'IV infusion')])).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });

  it('counts a rituximab draft being ordered now, but not a draft that stops rituximab', () => {
    expect(reInductionOf([mmf3gSince2022()], [rituximab(NOW.toISOString(), { status: 'draft' })])).toBe(
      NOW.toISOString(),
    );
    expect(
      reInductionOf([mmf3gSince2022()], [rituximab('2026-05-01', { status: 'stopped' })]),
    ).toBeUndefined();
  });

  it('does not count a rituximab order without a start date, and notes why', () => {
    const undated: fhir4.MedicationRequest = {
      ...rituximab('2026-03-01'),
      authoredOn: undefined,
      dosageInstruction: [],
    };
    const { timeline, notes } = timelineOf([mmf3gSince2022(), undated]);
    expect(timeline.reInduction).toBeUndefined();
    expect(notes).toContain('re-induction: rituximab order without a start date not counted');
  });
});

describe('what a re-induction changes (§4.7a, §5.2)', () => {
  const rituximabForAFlare = rituximab('2026-03-01', { status: 'completed', end: '2026-03-15' });

  it('calls MMF 3 g/day two months after rituximab an induction dose: no mycophenolate-dose-high', () => {
    const { timeline } = timelineOf([mmf3gSince2022(), rituximabForAFlare]);
    expect(timeline.phase).toBe('induction');
    expect(timeline.inductionFromReInduction).toBe(true);
    expect(codesOf({ medicationRequests: [mmf3gSince2022(), rituximabForAFlare] })).toEqual([]);
    // Without the rituximab the same dose is above the maintenance range.
    expect(codesOf({ medicationRequests: [mmf3gSince2022()] })).toEqual(['mycophenolate-dose-high']);
  });

  it('ends the re-induction phase exactly 6 months after R (induction until 2026-09-01)', () => {
    const history = [mmf3gSince2022(), rituximab('2026-03-01T09:00:00Z', { status: 'completed' })];
    expect(timelineOf(history, [], new Date('2026-09-01T08:59:59Z')).timeline.phase).toBe('induction');
    expect(timelineOf(history, [], new Date('2026-09-01T09:00:00Z')).timeline.phase).toBe('maintenance');
  });

  it('applies the induction range: MMF 1 g/day after rituximab is below it, and the card shows the re-induction', () => {
    const low = mmf({ id: 'mmf', start: '2022-01-10', doseMg: 500 });
    const decision = decideWith({ medicationRequests: [low, rituximabForAFlare] });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'Mycophenolate mofetil daily dose 1000 mg/day is below the MMF induction range of 2000–3000 mg/day',
    ]);
    expect(decision.cards[0]?.detail).toContain(
      '- LN immunosuppression started (2022-01-10)\n- LN re-induction started: rituximab; induction phase until 2026-09-01 (2026-03-01)',
    );
  });

  it('silences the maintenance-only glucocorticoid limit during re-induction', () => {
    // MMF 1 g twice daily is inside both the maintenance and the induction range.
    const mmf2g = mmf({ start: '2022-01-10', doseMg: 1000 });
    const prednisone20 = order({
      rxnorm: '8640',
      text: 'prednisone',
      start: '2026-03-01',
      doseMg: 20,
      timingCode: 'QD',
    });
    expect(codesOf({ medicationRequests: [mmf2g, prednisone20] })).toEqual(['glucocorticoid-dose-high']);
    expect(codesOf({ medicationRequests: [mmf2g, prednisone20, rituximabForAFlare] })).toEqual([]);
  });

  it('keeps counting the tacrolimus trough overdue rule from the first tacrolimus start', () => {
    const tac = tacrolimus({ start: '2024-01-10' });
    const { timeline } = timelineOf([tac, rituximabForAFlare]);
    expect(timeline.firstStartByGroup.get('tacrolimus')?.toISOString()).toBe('2024-01-10T00:00:00.000Z');
    expect(codesOf({ medicationRequests: [tac, rituximabForAFlare] })).toContain('tacrolimus-trough-overdue');
  });

  it('counts the 36 months from R: stopping everything now is 3 months after re-induction', () => {
    const decision = decideWith({
      hook: 'order-sign',
      medicationRequests: [mmf3gSince2022(), rituximabForAFlare],
      draftOrders: [mmf({ id: 'stop', status: 'stopped', start: '2026-06-01', doseMg: 1500 })],
    });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'LN immunosuppression ends after 3 months counted from re-induction on 2026-03-01; ≥ 36 months are recommended',
    ]);
    expect(decision.cards[0]?.detail).toContain(
      '- LN immunosuppression started (2022-01-10)\n- LN re-induction started: rituximab; induction phase until 2026-09-01 (2026-03-01)\n- LN immunosuppression ends (2026-06-01)',
    );
    // Without the re-induction the 52 months since 2022 are enough.
    expect(
      codesOf({
        hook: 'order-sign',
        medicationRequests: [mmf3gSince2022()],
        draftOrders: [mmf({ id: 'stop', status: 'stopped', start: '2026-06-01', doseMg: 1500 })],
      }),
    ).toEqual([]);
  });

  it('keeps the clock from R after the re-induction phase is over (36 months from a 2025 re-induction)', () => {
    const earlier = rituximab('2025-03-01', { status: 'completed', end: '2025-03-15' });
    const decision = decideWith({
      hook: 'order-sign',
      medicationRequests: [mmf3gSince2022(), earlier],
      draftOrders: [mmf({ id: 'stop', status: 'stopped', start: '2026-06-01', doseMg: 1500 })],
    });
    expect(decision.cards.map((c) => c.summary)).toEqual([
      'LN immunosuppression ends after 15 months counted from re-induction on 2025-03-01; ≥ 36 months are recommended',
    ]);
    expect(decision.cards[0]?.detail).toContain('- LN re-induction started: rituximab (2025-03-01)');
  });
});

describe('public case w14 (MMF 3 g/day two months after rituximab for a flare)', () => {
  it('gives no mycophenolate-dose-high: the only card it expects is the hydroxychloroquine reminder', () => {
    const w14 = loadAcceptanceCases(fixturesDir('acceptance-wave2')).find((c) => c.id === 'w14');
    if (!w14) throw new Error('public case w14 missing');
    const of = <T extends fhir4.Resource>(type: string): T[] =>
      w14.fhir.filter((r) => r.resourceType === type) as T[];
    const decision = decide({
      record: record({
        patientId: 'w14',
        conditions: of<fhir4.Condition>('Condition'),
        medicationRequests: of<fhir4.MedicationRequest>('MedicationRequest'),
        observations: of<fhir4.Observation>('Observation'),
      }),
      now: new Date(w14.now),
      newId: sequentialIds(),
      targets: DEFAULT_TARGETS,
    });
    expect(w14.expect.codes).toEqual(['hydroxychloroquine-not-prescribed']);
    const codes = decision.cards.map((c) => c.source.topic?.code);
    expect(codes.filter((code) => code !== 'hydroxychloroquine-not-prescribed')).toEqual([]);
  });
});
