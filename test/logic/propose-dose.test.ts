import type { MedicationOrder } from '../../src/logic/rules/rule';
import { mycophenolateDoseLow } from '../../src/logic/rules/mycophenolate-dose';
import { proposeDraftDose } from '../../src/logic/dose/propose-dose';
import { NOW, dosage, draft, run } from './support/dose-scenarios';

/** The classified draft, as the rules see it. */
function classified(request: fhir4.MedicationRequest): MedicationOrder {
  const [order] = run(mycophenolateDoseLow, { drafts: [request] }).context.drafts;
  if (!order) throw new Error('draft not classified');
  return order;
}

const UCUM = 'http://unitsofmeasure.org';

describe('proposeDraftDose', () => {
  it('raises MMF 250 mg capsules BID to the fewest capsules reaching 1500 mg/day (3 per dose)', () => {
    const order = classified(draft({ id: 'd', product: 'mmf250cap', dosage: dosage(1, '{capsule}', 'BID') }));
    const proposal = proposeDraftDose(order, { min: 1500, max: 2000 }, 'below', NOW);
    expect(proposal?.mgPerDay).toBe(1500);
    expect(proposal?.draft.dosageInstruction).toEqual([
      {
        text: '3 {capsule} (750 mg) per dose, 2/day (BID): 1500 mg/day',
        timing: dosage(1, '{capsule}', 'BID').timing,
        doseAndRate: [{ doseQuantity: { value: 3, unit: '{capsule}', system: UCUM, code: '{capsule}' } }],
      },
    ]);
  });

  it('keeps the rest of the draft and drops a patientInstruction that states the old dose', () => {
    const request = draft({
      id: 'd',
      product: 'mmf500tab',
      dosage: { ...dosage(4, '{tbl}', 'BID'), patientInstruction: 'take 4 tablets twice a day' },
    });
    const proposal = proposeDraftDose(classified(request), { min: 1500, max: 2000 }, 'above', NOW);
    expect(proposal?.draft).toEqual({
      ...request,
      dosageInstruction: [
        {
          text: '2 {tbl} (1000 mg) per dose, 2/day (BID): 2000 mg/day',
          timing: request.dosageInstruction?.[0]?.timing,
          doseAndRate: [{ doseQuantity: { value: 2, unit: '{tbl}', system: UCUM, code: '{tbl}' } }],
        },
      ],
    });
  });

  it('steps a mass dose of a product named without strength in the smallest MMF unit (250 mg)', () => {
    const request: fhir4.MedicationRequest = {
      ...draft({ id: 'd', product: 'mmf500tab', dosage: dosage(1500, 'mg', 'BID') }),
      medicationCodeableConcept: { text: 'CellCept' },
    };
    const proposal = proposeDraftDose(classified(request), { min: 1500, max: 2000 }, 'above', NOW);
    expect(proposal?.draft.dosageInstruction?.[0]?.doseAndRate?.[0]?.doseQuantity).toEqual({
      value: 1000,
      unit: 'mg',
      system: UCUM,
      code: 'mg',
    });
  });

  it('proposes nothing for a taper, several instructions, a liquid, or a stopping draft', () => {
    const range = { min: 1500, max: 2000 };
    const two = draft({
      id: 'd',
      product: 'mmf500tab',
      dosage: [dosage(250, 'mg', 'AM'), dosage(250, 'mg', 'PM')],
    });
    expect(proposeDraftDose(classified(two), range, 'below', NOW)).toBeUndefined();
    const liquid = draft({ id: 'd', product: 'mmf500tab', dosage: dosage(2, 'mL', 'BID') });
    const liquidOrder = {
      ...classified(liquid),
      product: { ...classified(liquid).product, strength: { mg: 200, per: 'mL' as const } },
    };
    expect(proposeDraftDose(liquidOrder, range, 'below', NOW)).toBeUndefined();
    const stop = draft({
      id: 'd',
      product: 'mmf500tab',
      dosage: dosage(250, 'mg', 'BID'),
      status: 'stopped',
    });
    expect(proposeDraftDose(classified(stop), range, 'below', NOW)).toBeUndefined();
  });

  it('proposes nothing when the dose cannot be read', () => {
    const unreadable = draft({ id: 'd', product: 'mmf500tab', dosage: dosage(2, 'puffs', 'BID') });
    expect(proposeDraftDose(classified(unreadable), { min: 1500, max: 2000 }, 'below', NOW)).toBeUndefined();
  });
});
