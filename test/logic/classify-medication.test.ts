import { classifyMedication, resolveMedication } from '../../src/logic/vocabulary/classify-medication';
import { RXNORM } from './record-builders';

function request(
  concept: fhir4.CodeableConcept,
  extra: Partial<fhir4.MedicationRequest> = {},
): fhir4.MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    medicationCodeableConcept: concept,
    ...extra,
  };
}

function classify(
  concept: fhir4.CodeableConcept,
  extra: Partial<fhir4.MedicationRequest> = {},
  medication?: fhir4.Medication,
) {
  return classifyMedication(request(concept, extra), medication);
}

function groupOf(concept: fhir4.CodeableConcept, extra: Partial<fhir4.MedicationRequest> = {}): string {
  const c = classify(concept, extra);
  return c.kind === 'drug' ? c.product.group : c.kind;
}

const rx = (code: string, display?: string): fhir4.CodeableConcept => ({
  coding: [{ system: RXNORM, code, display }],
});
const text = (t: string): fhir4.CodeableConcept => ({ text: t });

describe('classifying medications by RxNorm (§2)', () => {
  it.each([
    ['42316', 'tacrolimus'],
    ['68149', 'mycophenolate'],
    ['7145', 'mycophenolate'],
    ['408142', 'mycophenolate'],
    ['1256', 'azathioprine'],
    ['8640', 'prednisone'],
    ['6902', 'other-glucocorticoid'],
    ['3008', 'cyclosporine'],
    ['3002', 'cyclophosphamide'],
    ['121191', 'anti-CD20'],
    ['974779', 'anti-CD20'],
    ['21212', 'strong-cyp3a4-inhibitor'],
    ['9384', 'cyp3a4-inducer'],
  ])('puts RxNorm ingredient %s in group %s', (code, group) => {
    expect(groupOf(rx(code))).toBe(group);
  });

  it('knows the strength of product codes and the MMF / MPA kind', () => {
    const mmf = classify(rx('200060'));
    const mpa = classify(rx('485023'));
    expect(mmf).toMatchObject({
      kind: 'drug',
      product: { mycophenolateKind: 'mmf', strength: { mg: 500, per: 'unit' } },
    });
    expect(mpa).toMatchObject({
      kind: 'drug',
      product: { mycophenolateKind: 'mpa', strength: { mg: 360, per: 'unit' } },
    });
    expect(classify(rx('311880'))).toMatchObject({ product: { strength: { mg: 200, per: 'mL' } } });
  });

  it('marks Envarsus XR and Astagraf XL products as once-daily extended release', () => {
    expect(classify(rx('1664461'))).toMatchObject({
      product: { onceDailyExtendedRelease: true, strength: { mg: 1 } },
    });
    expect(classify(rx('1431987'))).toMatchObject({
      product: { onceDailyExtendedRelease: true, strength: { mg: 5 } },
    });
  });

  it('prefers the code over a misleading name', () => {
    expect(groupOf({ coding: [{ system: RXNORM, code: '1256' }], text: 'tacrolimus' })).toBe('azathioprine');
  });

  it('ignores codes from other systems and falls back to the name', () => {
    expect(groupOf({ coding: [{ system: 'http://example.org', code: '42316' }], text: 'Imuran 50 mg' })).toBe(
      'azathioprine',
    );
  });
});

describe('classifying medications by name (§2)', () => {
  it.each([
    ['Prograf 1 mg capsule', 'tacrolimus'],
    ['ENVARSUS XR 4 MG', 'tacrolimus'],
    ['FK506', 'tacrolimus'],
    ['CellCept 500 mg', 'mycophenolate'],
    ['Myfortic 360 mg', 'mycophenolate'],
    ['EC-MPS 180 mg', 'mycophenolate'],
    ['Lupkynis 7.9 mg', 'voclosporin'],
    ['Benlysta 200 mg/mL', 'belimumab'],
    ['Gazyva 1000 mg', 'anti-CD20'],
    ['Truxima', 'anti-CD20'],
    ['Neoral 100 mg', 'cyclosporine'],
    ['ketoconazole 200 mg', 'strong-cyp3a4-inhibitor'],
    ['lopinavir / ritonavir', 'strong-cyp3a4-inhibitor'],
    ["St John's wort extract", 'cyp3a4-inducer'],
    ['Rifampicin 600 mg', 'cyp3a4-inducer'],
    ['Medrol 4 mg', 'other-glucocorticoid'],
  ])('recognises "%s" as %s', (name, group) => {
    expect(groupOf(text(name))).toBe(group);
  });

  it('matches whole words only: methylprednisolone is not prednisolone', () => {
    expect(classify(text('methylprednisolone 4 mg'))).toMatchObject({
      product: { ingredient: 'methylprednisolone', prednisoneEquivalent: 1.25 },
    });
    expect(classify(text('prednisolone 5 mg'))).toMatchObject({ product: { ingredient: 'prednisolone' } });
    expect(groupOf(text('supertacrolimusx'))).toBe('unrelated');
  });

  it('reads the coding display as well as the text', () => {
    expect(groupOf({ coding: [{ system: 'http://example.org', code: 'x', display: 'AZASAN 75 MG' }] })).toBe(
      'azathioprine',
    );
  });

  it('keeps a bare "mycophenolate" in the group without guessing MMF or MPA', () => {
    const c = classify(text('mycophenolate 500 mg'));
    expect(c).toMatchObject({ kind: 'drug', product: { group: 'mycophenolate' } });
    expect(c.kind === 'drug' && c.product.mycophenolateKind).toBeUndefined();
  });

  it('refuses to guess when a text names two drug groups', () => {
    expect(classify(text('tacrolimus or cyclosporine per protocol'))).toMatchObject({ kind: 'unresolved' });
  });

  it('classifies every order alike whatever was classified before it', () => {
    // A patient on two mycophenolate orders and two topical tacrolimus ointments: the second of
    // each reads exactly as the first (no match position carried over from one text to the next).
    for (let order = 0; order < 2; order += 1) {
      expect(groupOf(text('mycophenolate 500 mg'))).toBe('mycophenolate');
      expect(groupOf(text('CellCept 500 mg'))).toBe('mycophenolate');
      expect(classify(text('tacrolimus 0.1 % topical ointment'))).toEqual({
        kind: 'non-systemic',
        reason: 'non-systemic route or form (topical)',
      });
    }
  });

  it('leaves unrelated drugs alone', () => {
    expect(groupOf(text('amlodipine 5 mg'))).toBe('unrelated');
    expect(groupOf(rx('17767'))).toBe('unrelated');
  });
});

describe('only systemic use counts (§2)', () => {
  it.each([
    ['tacrolimus ointment 314266', rx('314266')],
    ['Protopic', text('Protopic 0.1%')],
    ['Restasis', text('Restasis 0.05% emulsion')],
    ['cyclosporine eye drops', text('cyclosporine 0.05% eye drops')],
    ['ophthalmic cyclosporine', text('cyclosporine ophthalmic emulsion')],
    ['topical tacrolimus', text('tacrolimus 0.03 % Topical Ointment')],
  ])('ignores %s', (_name, concept) => {
    expect(classify(concept).kind).toBe('non-systemic');
  });

  it('ignores an inhaled or ophthalmic route given on the dosage', () => {
    const inhaled = { dosageInstruction: [{ route: { coding: [{ display: 'Inhalation route' }] } }] };
    const eye = { dosageInstruction: [{ route: { text: 'Ophthalmic' } }] };
    expect(classify(text('methylprednisolone'), inhaled).kind).toBe('non-systemic');
    expect(classify(text('prednisolone acetate'), eye).kind).toBe('non-systemic');
  });

  it('ignores a topical dose form of the referenced Medication', () => {
    const medication: fhir4.Medication = {
      resourceType: 'Medication',
      code: text('tacrolimus'),
      form: { text: 'Cutaneous ointment' },
    };
    expect(
      classifyMedication(
        {
          ...request(text('x')),
          medicationCodeableConcept: undefined,
          medicationReference: { reference: 'Medication/m1' },
        },
        medication,
      ).kind,
    ).toBe('non-systemic');
  });

  it('keeps an oral route systemic', () => {
    expect(groupOf(text('tacrolimus'), { dosageInstruction: [{ route: { text: 'Oral route' } }] })).toBe(
      'tacrolimus',
    );
  });
});

describe('medicationReference (§2)', () => {
  const medication: fhir4.Medication = {
    resourceType: 'Medication',
    id: 'med-1',
    code: text('mycophenolate mofetil'),
    ingredient: [
      {
        itemCodeableConcept: text('mycophenolate mofetil'),
        strength: { numerator: { value: 500, unit: 'mg' }, denominator: { value: 1, unit: 'TAB' } },
      },
    ],
  };
  const byId = new Map([['med-1', medication]]);
  const referring = (reference: string, contained?: fhir4.Resource[]): fhir4.MedicationRequest => ({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    medicationReference: { reference },
    contained,
  });

  it('resolves Medication/id, a full URL ending in it, and a contained #id', () => {
    expect(resolveMedication(referring('Medication/med-1'), byId)).toBe(medication);
    expect(resolveMedication(referring('https://ehr.example.org/fhir/Medication/med-1'), byId)).toBe(
      medication,
    );
    const contained = { ...medication, id: 'c1' };
    expect(resolveMedication(referring('#c1', [contained]), new Map())).toBe(contained);
    expect(resolveMedication(referring('Medication/other'), byId)).toBeUndefined();
  });

  it('takes the product strength from Medication.ingredient (500 mg / 1 TAB)', () => {
    const req = referring('Medication/med-1');
    expect(classifyMedication(req, resolveMedication(req, byId))).toMatchObject({
      kind: 'drug',
      product: { mycophenolateKind: 'mmf', strength: { mg: 500, per: 'unit' } },
    });
  });

  it('reads a strength in g and per several units', () => {
    const grams: fhir4.Medication = {
      ...medication,
      ingredient: [
        {
          itemCodeableConcept: text('x'),
          strength: { numerator: { value: 1, code: 'g' }, denominator: { value: 2, code: '{tbl}' } },
        },
      ],
    };
    expect(classifyMedication(referring('Medication/med-1'), grams)).toMatchObject({
      product: { strength: { mg: 500, per: 'unit' } },
    });
  });

  it('does not guess when the reference cannot be resolved', () => {
    expect(classifyMedication(referring('Medication/missing'), undefined)).toMatchObject({
      kind: 'unresolved',
    });
  });
});
