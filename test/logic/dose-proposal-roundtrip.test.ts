import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, order, record, result, sequentialIds, tacrolimus, tacrolimusLevel } from './record-builders';

/**
 * clinical-rules.md §6: a dose card in an order hook carries an
 * `update` suggestion that "rewrites the draft order to a dose inside the target". Round trip:
 * sign the proposed draft instead of the original, in the same record — the card must not return,
 * and the proposal must still be a MedicationRequest draft of the same order.
 */
interface Scenario {
  readonly name: string;
  readonly history: fhir4.MedicationRequest[];
  readonly observations: fhir4.Observation[];
  readonly draft: (perDose: number, timingCode: string) => fhir4.MedicationRequest;
  readonly doses: readonly number[];
}

const maintenanceHistory = (): fhir4.MedicationRequest[] => [
  order({
    rxnorm: '3002',
    text: 'cyclophosphamide',
    status: 'completed',
    start: '2024-01-01',
    end: '2024-06-01',
  }),
];
const weight = (kg: number) => result({ loinc: '29463-7', value: kg, unit: 'kg', date: '2026-05-01' });
const egfr = (value: number) =>
  result({ loinc: '62238-1', value, unit: 'mL/min/{1.73_m2}', date: '2026-05-01' });
const draftOf = (rxnorm: string, text: string) => (perDose: number, timingCode: string) =>
  order({ id: 'draft-1', status: 'draft', rxnorm, text, doseMg: perDose, timingCode, start: '2026-06-01' });

const SCENARIOS: readonly Scenario[] = [
  {
    name: 'MMF 500 mg tablets in maintenance',
    history: maintenanceHistory(),
    observations: [],
    draft: draftOf('200060', 'mycophenolate mofetil 500 MG Oral Tablet'),
    doses: [250, 500, 1500, 2000, 3000],
  },
  {
    name: 'MMF 250 mg capsules, multitarget maintenance',
    history: [...maintenanceHistory(), tacrolimus()],
    observations: [tacrolimusLevel(5)],
    draft: draftOf('199058', 'mycophenolate mofetil 250 MG Oral Capsule'),
    doses: [250, 500, 750, 1000],
  },
  {
    name: 'MPA 180 mg tablets in maintenance',
    history: maintenanceHistory(),
    observations: [],
    draft: draftOf('485020', 'mycophenolic acid 180 MG Delayed Release Oral Tablet'),
    doses: [180, 360, 900, 1080],
  },
  {
    name: 'MMF with eGFR 20',
    history: maintenanceHistory(),
    observations: [egfr(20)],
    draft: draftOf('200060', 'mycophenolate mofetil 500 MG Oral Tablet'),
    doses: [1500, 2000, 2500],
  },
  {
    name: 'azathioprine 25 mg at 70 kg',
    history: maintenanceHistory(),
    observations: [weight(70)],
    draft: draftOf('199310', 'azathioprine 25 MG Oral Tablet'),
    doses: [25, 50, 75, 100, 150, 200],
  },
  {
    name: 'prednisone 5 mg tablets in maintenance',
    history: maintenanceHistory(),
    observations: [],
    draft: draftOf('312617', 'prednisone 5 MG Oral Tablet'),
    doses: [10, 15, 20],
  },
];
const TIMINGS = ['QD', 'BID', 'TID'];

function decideWith(parts: Partial<PatientRecord>) {
  return decide({
    record: record({ hook: 'order-sign', ...parts }),
    now: NOW,
    newId: sequentialIds(),
    targets: DEFAULT_TARGETS,
  });
}

describe('every proposed in-range draft silences the card it came from (§6 update suggestion)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: signing the proposal raises no dose card of the same rule`, () => {
      let proposals = 0;
      for (const perDose of scenario.doses) {
        for (const timingCode of TIMINGS) {
          const original = scenario.draft(perDose, timingCode);
          const parts = { medicationRequests: scenario.history, observations: scenario.observations };
          const first = decideWith({ ...parts, draftOrders: [original] });
          for (const card of first.cards) {
            const action = card.suggestions?.[0]?.actions?.find((a) => a.type === 'update');
            if (!action) continue;
            proposals += 1;
            const proposed = action.resource as fhir4.MedicationRequest;
            expect(proposed).toMatchObject({
              resourceType: 'MedicationRequest',
              id: 'draft-1',
              status: 'draft',
            });
            expect(proposed.dosageInstruction).toHaveLength(1);
            const again = decideWith({ ...parts, draftOrders: [proposed] });
            const code = card.source.topic?.code;
            expect({ perDose, timingCode, codes: again.cards.map((c) => c.source.topic?.code) }).toEqual({
              perDose,
              timingCode,
              codes: expect.not.arrayContaining([code]) as unknown,
            });
          }
        }
      }
      expect(proposals).toBeGreaterThan(0);
    });
  }
});

describe('the eGFR < 25 card proposes a dose inside the phase range too (§5 with tacrolimus, §6)', () => {
  const egfr20 = egfr(20);
  const parts = (draft: fhir4.MedicationRequest) => ({
    medicationRequests: [...maintenanceHistory(), tacrolimus()],
    observations: [tacrolimusLevel(5), egfr20],
    draftOrders: [draft],
  });

  it('with tacrolimus in maintenance, MMF 250 mg capsules 1500 mg BID at eGFR 20 → proposes the full-dose maximum 2000 mg/day, not the multitarget 500', () => {
    const draft = draftOf('199058', 'mycophenolate mofetil 250 MG Oral Capsule')(1500, 'BID');
    const decision = decideWith(parts(draft));
    const renal = decision.findings.find((f) => f.code === 'mycophenolate-renal-dose');
    expect(renal?.facts?.proposedDose).toBe('1000 mg twice daily');
  });

  it('with tacrolimus in maintenance, signing the proposed MMF 1 g BID (500 mg tablets) at eGFR 20 raises neither dose card', () => {
    const draft = draftOf('200060', 'mycophenolate mofetil 500 MG Oral Tablet')(1500, 'BID');
    const renal = decideWith(parts(draft)).findings.find((f) => f.code === 'mycophenolate-renal-dose');
    expect(renal?.facts?.proposedDose).toBe('1000 mg twice daily');
    const again = decideWith(parts(renal?.proposedDraft as fhir4.MedicationRequest));
    expect(again.findings.filter((f) => f.code.startsWith('mycophenolate'))).toEqual([]);
  });
});

describe('the dose-high card proposes a dose under the eGFR < 25 maximum too (§5 renal, §6)', () => {
  const inductionHistory = [
    order({
      rxnorm: '3002',
      text: 'cyclophosphamide',
      status: 'completed',
      start: '2026-03-01',
      end: '2026-05-01',
    }),
  ];

  it('in induction at eGFR 20, MMF 250 mg capsules 1500 mg TID (4500 mg/day) → no one-click change rather than 3000 mg/day', () => {
    // Induction 2000–3000 and renal ≤ 2000 leave exactly 2000 mg/day, which 250 mg × 3/day cannot make.
    const decision = decideWith({
      medicationRequests: inductionHistory,
      observations: [egfr(20)],
      draftOrders: [draftOf('199058', 'mycophenolate mofetil 250 MG Oral Capsule')(1500, 'TID')],
    });
    const high = decision.findings.find((f) => f.code === 'mycophenolate-dose-high');
    expect(high?.facts?.phase).toBe('induction');
    expect(high).toBeDefined();
    expect(high?.proposedDraft).toBeUndefined();
  });

  it('in induction at eGFR 20, MMF 250 mg capsules 1750 mg BID (3500 mg/day) → both cards propose 2000 mg/day, not 3000', () => {
    const draft = draftOf('199058', 'mycophenolate mofetil 250 MG Oral Capsule')(1750, 'BID');
    const decision = decideWith({
      medicationRequests: inductionHistory,
      observations: [egfr(20)],
      draftOrders: [draft],
    });
    const high = decision.findings.find((f) => f.code === 'mycophenolate-dose-high');
    const renal = decision.findings.find((f) => f.code === 'mycophenolate-renal-dose');
    expect(high?.facts?.proposedDose).toBe('1000 mg twice daily');
    expect(renal?.facts?.proposedDose).toBe('1000 mg twice daily');
  });
});
