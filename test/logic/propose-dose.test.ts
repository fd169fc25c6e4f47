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
        text: '3 capsules (750 mg) twice daily',
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
          text: '2 tablets (1000 mg) twice daily',
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

describe('the proposed sig and the suggestion label, in words (§6)', () => {
  const QUANTITY_FORMS = 'http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm';

  function propose(
    product: Parameters<typeof draft>[0]['product'],
    dose: fhir4.Dosage,
    bounds: { min?: number; max?: number },
    direction: 'below' | 'above',
  ) {
    const proposal = proposeDraftDose(
      classified(draft({ id: 'd', product, dosage: dose })),
      bounds,
      direction,
      NOW,
    );
    return proposal && { sig: proposal.text, label: proposal.label, mgPerDay: proposal.mgPerDay };
  }

  it.each<
    [
      string,
      Parameters<typeof draft>[0]['product'],
      fhir4.Dosage,
      { min?: number; max?: number },
      'below' | 'above',
      string,
      string,
    ]
  >([
    [
      'MMF 250 mg capsules ({capsule}) raised to three twice daily',
      'mmf250cap',
      dosage(1, '{capsule}', 'BID'),
      { min: 1500, max: 2000 },
      'below',
      '3 capsules (750 mg) twice daily',
      '3 × 250 mg capsules twice daily (1500 mg/day)',
    ],
    [
      'MMF 500 mg tablets as the Sandbox writes them ({pill}): "tablet", from the product',
      'mmf500tab',
      dosage(2, '{pill}', 'QD'),
      { min: 500, max: 750 },
      'above',
      '1 tablet (500 mg) once daily',
      '1 × 500 mg tablet once daily (500 mg/day)',
    ],
    [
      'MMF 500 mg tablets in the v3 dose-form code TAB, three times daily',
      'mmf500tab',
      {
        timing: { code: { coding: [{ code: 'TID' }] } },
        doseAndRate: [{ doseQuantity: { value: 2, unit: 'TAB', system: QUANTITY_FORMS, code: 'TAB' } }],
      },
      { min: 1500, max: 2000 },
      'below',
      '1 tablet (500 mg) three times daily',
      '1 × 500 mg tablet three times daily (1500 mg/day)',
    ],
    [
      'MMF 250 mg capsules as CAP, every 12 hours',
      'mmf250cap',
      {
        timing: { repeat: { frequency: 1, period: 12, periodUnit: 'h' } },
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'CAP', system: QUANTITY_FORMS, code: 'CAP' } }],
      },
      { min: 1500, max: 2000 },
      'below',
      '3 capsules (750 mg) every 12 hours',
      '3 × 250 mg capsules every 12 hours (1500 mg/day)',
    ],
    [
      'MMF written in mg, lowered to 1000 mg twice daily',
      'mmf500tab',
      dosage(1500, 'mg', 'BID'),
      { min: 1500, max: 2000 },
      'above',
      '1000 mg twice daily',
      '1000 mg twice daily (2000 mg/day)',
    ],
    [
      'MMF written in g, once daily by repeat (1 per 1 d)',
      'mmf500tab',
      {
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: 3, unit: 'g', system: UCUM, code: 'g' } }],
      },
      { min: 1500, max: 2000 },
      'above',
      '2000 mg once daily',
      '2000 mg once daily (2000 mg/day)',
    ],
  ])('%s', (_name, product, dose, bounds, direction, sig, label) => {
    expect(propose(product, dose, bounds, direction)).toMatchObject({ sig, label });
  });

  it('writes the sig into the draft, so the pharmacist prints what the button says', () => {
    const proposal = proposeDraftDose(
      classified(draft({ id: 'd', product: 'mmf500tab', dosage: dosage(2, '{pill}', 'QD') })),
      { min: 500, max: 750 },
      'above',
      NOW,
    );
    expect(proposal?.draft.dosageInstruction?.[0]?.text).toBe('1 tablet (500 mg) once daily');
    expect(proposal?.draft.dosageInstruction?.[0]?.text).not.toMatch(/\{|\/1 d|BID|per dose/);
  });

  it('proposes nothing when the printable unit contradicts the count code (unit "mg", code {tbl})', () => {
    const contradictory: fhir4.Dosage = {
      timing: { code: { coding: [{ code: 'BID' }] } },
      doseAndRate: [{ doseQuantity: { value: 4, unit: 'mg', system: UCUM, code: '{tbl}' } }],
    };
    expect(propose('mmf500tab', contradictory, { min: 1500, max: 2000 }, 'above')).toBeUndefined();
  });
});
