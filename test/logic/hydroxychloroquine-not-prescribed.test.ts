import { lupusNephritis, mmf, order } from './record-builders';
import { scenariosOf } from './support/rule-scenarios';

/**
 * clinical-rules-wave2.md §4.5 rule 5a, now = 2026-06-01T09:00Z: a patient with LN on MMF, with her
 * allergies read (nothing unavailable) unless the scenario says otherwise.
 */
const CODE = 'hydroxychloroquine-not-prescribed';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';

const { decideWith, cardsOf, fires } = scenariosOf(CODE, { medicationRequests: [mmf()] });

const hcq = (extra: Parameters<typeof order>[0] = {}) =>
  order({
    rxnorm: '979092',
    text: 'hydroxychloroquine sulfate 200 MG Oral Tablet',
    start: '2024-01-10',
    doseMg: 200,
    timingCode: 'QD',
    ...extra,
  });

function allergy(
  code: fhir4.CodeableConcept,
  extra: Partial<fhir4.AllergyIntolerance> = {},
): fhir4.AllergyIntolerance {
  return {
    resourceType: 'AllergyIntolerance',
    id: 'allergy',
    patient: { reference: 'Patient/pt' },
    code,
    ...extra,
  };
}
const status = (code: string): fhir4.CodeableConcept => ({ coding: [{ code }] });

function maculopathy(code: fhir4.CodeableConcept, extra: Partial<fhir4.Condition> = {}): fhir4.Condition {
  return { resourceType: 'Condition', id: 'eye', subject: { reference: 'Patient/pt' }, code, ...extra };
}

describe('hydroxychloroquine-not-prescribed (wave 2 §4.5, 5a)', () => {
  it('reminds in patient-view when a patient with LN on MMF has never had hydroxychloroquine (page example)', () => {
    const [card] = cardsOf({});
    expect(card?.summary).toBe(
      'No active hydroxychloroquine order: KDIGO 2024 recommends HCQ for all patients with LN unless contraindicated',
    );
    expect(card?.indicator).toBe('info');
    expect(card?.detail).toContain('It only means "no order in this record"');
    expect(card?.detail).toContain('- Last hydroxychloroquine order: none found');
    expect(card?.suggestions).toBeUndefined();
  });

  it('is silent in order hooks: it is a care-gap reminder, not about the order being written', () => {
    const draft = order({ id: 'bp', text: 'amlodipine 5 mg', status: 'draft' });
    for (const hook of ['order-select', 'order-sign', 'medication-prescribe'] as const) {
      expect(fires({ hook, draftOrders: [draft] })).toBe(false);
    }
  });

  describe('an active antimalarial', () => {
    it('is silent with hydroxychloroquine active, or on hold (§4 counts on-hold as active)', () => {
      expect(fires({ medicationRequests: [mmf(), hcq()] })).toBe(false);
      expect(fires({ medicationRequests: [mmf(), hcq({ status: 'on-hold' })] })).toBe(false);
    });

    it('is silent with chloroquine active (an equivalent antimalarial)', () => {
      const chloroquine = order({
        text: 'chloroquine phosphate 250 mg tablet',
        start: '2024-01-10',
        doseMg: 250,
      });
      expect(fires({ medicationRequests: [mmf(), chloroquine] })).toBe(false);
    });

    it('reminds when the hydroxychloroquine course ended, and shows its end', () => {
      const ended = hcq({ end: '2025-12-31', status: 'completed' });
      const [card] = cardsOf({ medicationRequests: [mmf(), ended] });
      expect(card?.detail).toContain(
        '- hydroxychloroquine sulfate 200 MG Oral Tablet — order (completed): ended 2025-12-31 (2024-01-10)',
      );
    });
  });

  describe('a recorded allergy or intolerance (§1.4)', () => {
    it('is silent for an active hydroxychloroquine intolerance (page example)', () => {
      const intolerance = allergy(
        { text: 'hydroxychloroquine' },
        { type: 'intolerance', clinicalStatus: status('active') },
      );
      expect(fires({ allergies: [intolerance] })).toBe(false);
    });

    it('is silent for a Plaquenil allergy without a clinical status, and for a reaction to chloroquine', () => {
      expect(fires({ allergies: [allergy({ text: 'Plaquenil' }, { type: 'allergy' })] })).toBe(false);
      const reaction = allergy(
        { text: 'antimalarials' },
        { reaction: [{ substance: { text: 'chloroquine' }, manifestation: [] }] },
      );
      expect(fires({ allergies: [reaction] })).toBe(false);
    });

    it('is silent for an unconfirmed allergy coded RxNorm 5521 (only refuted ones are ignored)', () => {
      const coded = allergy(
        { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '5521' }] },
        { verificationStatus: status('unconfirmed') },
      );
      expect(fires({ allergies: [coded] })).toBe(false);
    });

    it('reminds when the hydroxychloroquine allergy was refuted or entered in error', () => {
      expect(
        fires({
          allergies: [allergy({ text: 'hydroxychloroquine' }, { verificationStatus: status('refuted') })],
        }),
      ).toBe(true);
      const wrong = allergy(
        { text: 'hydroxychloroquine' },
        { verificationStatus: status('entered-in-error') },
      );
      expect(fires({ allergies: [wrong] })).toBe(true);
    });

    it('reminds when the intolerance is resolved', () => {
      const resolved = allergy(
        { text: 'hydroxychloroquine' },
        { type: 'intolerance', clinicalStatus: status('resolved') },
      );
      expect(fires({ allergies: [resolved] })).toBe(true);
    });

    it('reminds for an allergy to another drug', () => {
      expect(fires({ allergies: [allergy({ text: 'penicillin' })] })).toBe(true);
    });

    it('is silent when the allergies could not be read, and says why', () => {
      const decision = decideWith({ unavailable: new Set(['allergies']) });
      expect(decision.cards.filter((card) => card.source.topic?.code === CODE)).toEqual([]);
      expect(decision.notes).toContain(
        'hydroxychloroquine-not-prescribed: allergies unavailable, a contraindication cannot be excluded',
      );
    });
  });

  describe('recorded retinal toxicity (§1.4)', () => {
    it('is silent with toxic maculopathy H35.383 of any clinical status (page example)', () => {
      const h35383 = { coding: [{ system: ICD10CM, code: 'H35.383' }] };
      expect(fires({ conditions: [lupusNephritis(), maculopathy(h35383)] })).toBe(false);
      const resolved = maculopathy(h35383, { clinicalStatus: status('resolved') });
      expect(fires({ conditions: [lupusNephritis(), resolved] })).toBe(false);
    });

    it('is silent with "hydroxychloroquine retinopathy" written as text', () => {
      const text = maculopathy({ text: 'Hydroxychloroquine retinopathy, both eyes' });
      expect(fires({ conditions: [lupusNephritis(), text] })).toBe(false);
    });

    it('reminds when the maculopathy was refuted', () => {
      const refuted = maculopathy(
        { coding: [{ system: ICD10CM, code: 'H35.383' }] },
        { verificationStatus: status('refuted') },
      );
      expect(fires({ conditions: [lupusNephritis(), refuted] })).toBe(true);
    });
  });

  describe('a stopped hydroxychloroquine order', () => {
    it('is silent when the stop carries a reason (coded or as text)', () => {
      const coded = hcq({ status: 'stopped' });
      const withCode = {
        ...coded,
        statusReason: { coding: [{ system: 'http://snomed.info/sct', code: '281647001' }] },
      };
      expect(fires({ medicationRequests: [mmf(), withCode] })).toBe(false);
      const withText = { ...hcq({ status: 'stopped' }), statusReason: { text: 'visual field defect' } };
      expect(fires({ medicationRequests: [mmf(), withText] })).toBe(false);
    });

    it('reminds when it was stopped without a reason, its end not recorded', () => {
      const [card] = cardsOf({ medicationRequests: [mmf(), hcq({ status: 'stopped' })] });
      expect(card?.detail).toContain(
        '- hydroxychloroquine sulfate 200 MG Oral Tablet — order (stopped): end not recorded (2024-01-10)',
      );
    });
  });
});
