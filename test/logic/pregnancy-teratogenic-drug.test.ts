import { decide } from '../../src/logic/decide';
import type { OptionalData, PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, condition, lupusNephritis, mmf, order, record, sequentialIds } from './record-builders';
import { hcg, pregnancyCondition, pregnancyStatus, quantitativeHcg } from './support/pregnancy-builders';

/**
 * clinical-rules-wave2.md §3 "pregnancy recorded" and rule 1a: a recorded pregnancy with
 * mycophenolate or cyclophosphamide (NOW = 2026-06-01T09:00Z; the 294-day window opens at
 * 2025-08-11T09:00Z).
 */
const CODE = 'pregnancy-teratogenic-drug';

function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}
const cardsOf = (parts: Partial<PatientRecord>) =>
  decideWith(parts).cards.filter((card) => card.source.topic?.code === CODE);
const fires = (parts: Partial<PatientRecord>): boolean => cardsOf(parts).length === 1;

/** MMF 1 g twice daily since 2024 (maintenance), as in the page's first example. */
const mmfSince2024 = mmf({ id: 'mmf', start: '2024-07-01', doseMg: 1000 });
const cyclophosphamide = (options: Parameters<typeof order>[0] = {}) =>
  order({
    rxnorm: '3002',
    text: 'cyclophosphamide 50 MG Oral Tablet',
    timingCode: 'QD',
    doseMg: 100,
    ...options,
  });
const azathioprine = (options: Parameters<typeof order>[0] = {}) =>
  order({
    rxnorm: '197388',
    text: 'azathioprine 50 MG Oral Tablet',
    timingCode: 'QD',
    doseMg: 100,
    ...options,
  });

/** An LN patient on MMF with these pregnancy records, in patient-view. */
const onMmfWith = (
  conditions: readonly fhir4.Condition[],
  observations: readonly fhir4.Observation[] = [],
): Partial<PatientRecord> => ({
  conditions: [lupusNephritis(), ...conditions],
  observations,
  medicationRequests: [mmfSince2024],
});

describe('pregnancy-teratogenic-drug: pregnancy recorded with mycophenolate (§3, rule 1a)', () => {
  it('warns, critical, when a pregnancy with onset on 20 April is recorded for a patient on MMF since 2024', () => {
    const [card, ...others] = cardsOf(onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20' })]));
    expect(others).toEqual([]);
    expect(card?.indicator).toBe('critical');
    expect(card?.summary).toBe(
      'Pregnancy recorded (2026-04-20) and mycophenolate is active: embryofetal toxicity — switch to a pregnancy-compatible regimen',
    );
    expect(card?.summary.length).toBeLessThan(140);
    expect(card?.suggestions).toBeUndefined();
  });

  it('is silent when a "not pregnant" status on 10 May is later than the pregnancy recorded on 20 April', () => {
    const later = pregnancyStatus('not pregnant', '2026-05-10T09:00:00Z');
    expect(fires(onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20' })], [later]))).toBe(false);
  });

  it('still warns when the negative test is older than the latest positive evidence', () => {
    const earlier = hcg('negative', '2026-03-01T09:00:00Z');
    expect(fires(onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20' })], [earlier]))).toBe(true);
  });

  it('counts a tie as pregnant and says the results conflict', () => {
    const positive = hcg('positive', '2026-05-20T08:00:00Z', { id: 'pos' });
    const negative = hcg('negative', '2026-05-20T08:00:00Z', { id: 'neg', loinc: '2118-8' });
    const [card] = cardsOf(onMmfWith([], [positive, negative]));
    expect(card?.detail).toContain('Conflicting results');
    expect(card?.detail).toContain('- Qualitative hCG (pregnancy test), LOINC 2106-3: positive (2026-05-20)');
    expect(card?.detail).toContain('- Qualitative hCG (pregnancy test), LOINC 2118-8: negative (2026-05-20)');
  });

  it('counts evidence dated exactly 294 days ago, and not a second earlier', () => {
    expect(fires(onMmfWith([pregnancyCondition({ onsetDateTime: '2025-08-11T09:00:00Z' })]))).toBe(true);
    expect(fires(onMmfWith([pregnancyCondition({ onsetDateTime: '2025-08-11T08:59:59Z' })]))).toBe(false);
  });

  it('counts evidence dated exactly now, and ignores evidence dated after now', () => {
    expect(fires(onMmfWith([], [hcg('positive', '2026-06-01T09:00:00Z')]))).toBe(true);
    expect(fires(onMmfWith([], [hcg('positive', '2026-06-01T09:00:01Z')]))).toBe(false);
  });

  it('lets a negative test outside the 294-day window say nothing', () => {
    const positive = hcg('positive', '2025-09-01T09:00:00Z');
    const tooOldToMatter = pregnancyStatus('not pregnant', '2025-08-01T09:00:00Z');
    expect(fires(onMmfWith([], [positive, tooOldToMatter]))).toBe(true);
  });

  it('is silent when the pregnancy Condition has no onset or recorded date, and says why', () => {
    const decision = decideWith(onMmfWith([pregnancyCondition({ clinicalStatus: 'active' })]));
    expect(decision.cards.filter((c) => c.source.topic?.code === CODE)).toEqual([]);
    expect(decision.notes).toContain(`${CODE}: pregnancy condition without a usable date: not evidence`);
  });

  it('dates a Condition by onsetPeriod.start, else by recordedDate', () => {
    const [byPeriod] = cardsOf(onMmfWith([pregnancyCondition({ onsetPeriodStart: '2026-04-02' })]));
    expect(byPeriod?.summary).toMatch(/^Pregnancy recorded \(2026-04-02\)/);
    const [byRecorded] = cardsOf(onMmfWith([pregnancyCondition({ recordedDate: '2026-05-05' })]));
    expect(byRecorded?.summary).toMatch(/^Pregnancy recorded \(2026-05-05\)/);
  });

  it('does not skip an unreadable onset for a later recorded date', () => {
    const unreadable = pregnancyCondition({ onsetDateTime: 'early spring', recordedDate: '2026-05-05' });
    expect(fires(onMmfWith([unreadable]))).toBe(false);
  });

  it.each(['refuted', 'entered-in-error'])(
    'ignores a pregnancy Condition whose verification is %s',
    (status) => {
      const wrong = pregnancyCondition({ onsetDateTime: '2026-04-20', verificationStatus: status });
      expect(fires(onMmfWith([wrong]))).toBe(false);
    },
  );

  it.each(['active', 'recurrence', 'relapse'])('counts clinical status %s', (status) => {
    expect(
      fires(onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20', clinicalStatus: status })])),
    ).toBe(true);
  });

  it.each(['inactive', 'remission', 'resolved'])('does not count clinical status %s', (status) => {
    expect(
      fires(onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20', clinicalStatus: status })])),
    ).toBe(false);
  });

  it('is silent when the pregnancy Condition abated on 15 May (delivery recorded)', () => {
    const ended = pregnancyCondition({
      onsetDateTime: '2025-09-01',
      clinicalStatus: 'resolved',
      abatementDateTime: '2026-05-15',
    });
    expect(fires(onMmfWith([ended]))).toBe(false);
  });

  it('treats the abatement as negative evidence against an earlier positive test', () => {
    const ended = pregnancyCondition({ onsetDateTime: '2025-09-01', abatementDateTime: '2026-05-15' });
    expect(fires(onMmfWith([ended], [hcg('positive', '2026-05-01T09:00:00Z')]))).toBe(false);
    expect(fires(onMmfWith([ended], [hcg('positive', '2026-05-20T09:00:00Z')]))).toBe(true);
  });

  it('still counts a pregnancy whose abatement date lies in the future', () => {
    const planned = pregnancyCondition({ onsetDateTime: '2026-04-20', abatementDateTime: '2026-12-20' });
    expect(fires(onMmfWith([planned]))).toBe(true);
  });

  it('takes an abatement given only as text as no evidence either way', () => {
    const decision = decideWith(
      onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20', abatementString: 'after delivery' })]),
    );
    expect(decision.cards.filter((c) => c.source.topic?.code === CODE)).toEqual([]);
    expect(decision.notes).toContain(
      `${CODE}: pregnancy condition abated at a time that is not a date: no evidence either way`,
    );
  });

  it('reads ICD-10-CM weeks of gestation (Z3A.12) but not "weeks not specified" (Z3A.00)', () => {
    const icd = 'http://hl7.org/fhir/sid/icd-10-cm';
    expect(
      fires(onMmfWith([pregnancyCondition({ system: icd, code: 'Z3A.12', onsetDateTime: '2026-04-20' })])),
    ).toBe(true);
    expect(
      fires(onMmfWith([pregnancyCondition({ system: icd, code: 'Z3A.00', onsetDateTime: '2026-04-20' })])),
    ).toBe(false);
  });

  it('reads a pregnancy status of "pregnant" and ignores "unknown"', () => {
    expect(fires(onMmfWith([], [pregnancyStatus('pregnant', '2026-05-02T09:00:00Z')]))).toBe(true);
    expect(fires(onMmfWith([], [pregnancyStatus('unknown', '2026-05-02T09:00:00Z')]))).toBe(false);
  });

  it('ignores a positive test that is preliminary, and an unreadable one', () => {
    expect(fires(onMmfWith([], [hcg('positive', '2026-05-20T09:00:00Z', { status: 'preliminary' })]))).toBe(
      false,
    );
    expect(fires(onMmfWith([], [hcg('unreadable', '2026-05-20T09:00:00Z')]))).toBe(false);
  });

  it('does not read a quantitative hCG of 5000 IU/L as a pregnancy, and says so', () => {
    const decision = decideWith(onMmfWith([], [quantitativeHcg(5000, '2026-05-20T09:00:00Z')]));
    expect(decision.cards.filter((c) => c.source.topic?.code === CODE)).toEqual([]);
    expect(decision.notes).toContain(`${CODE}: quantitative hCG is not pregnancy evidence (§1.2): ignored`);
  });

  it('does not read Patient.gender: a pregnancy recorded for a patient registered as male still warns', () => {
    const parts = {
      ...onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20' })]),
      patient: { resourceType: 'Patient', id: 'pt', gender: 'male' } as fhir4.Patient,
    };
    expect(fires(parts)).toBe(true);
  });

  it('is silent when pregnancy tests could not be read (a later negative may be invisible), and says why', () => {
    const decision = decideWith({
      ...onMmfWith([pregnancyCondition({ onsetDateTime: '2026-04-20' })]),
      unavailable: new Set<OptionalData>(['pregnancy']),
    });
    expect(decision.cards.filter((c) => c.source.topic?.code === CODE)).toEqual([]);
    expect(decision.notes).toContain(
      `${CODE}: pregnancy tests unavailable (negative evidence may be invisible)`,
    );
  });

  it('links the labels of the products on record: both mycophenolate labels for a bare "mycophenolate", and cyclophosphamide', () => {
    const [card] = cardsOf({
      conditions: [lupusNephritis(), pregnancyCondition({ onsetDateTime: '2026-04-20' })],
      medicationRequests: [
        order({ text: 'mycophenolate', start: '2025-01-10' }),
        cyclophosphamide({ start: '2026-05-01' }),
      ],
    });
    expect(card?.links?.map((link) => link.url)).toEqual([
      'https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=37241e87-4af4-4dc3-a1aa-ea6f20d8dc40',
      'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Myfortic',
      'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=cyclophosphamide',
      'https://doi.org/10.1016/j.kint.2023.09.002',
      'https://doi.org/10.1136/annrheumdis-2016-209770',
      'https://doi.org/10.1136/ard-2023-224762',
    ]);
  });

  it('is silent for azathioprine, a pregnancy-compatible drug', () => {
    expect(
      fires({
        conditions: [lupusNephritis(), pregnancyCondition({ onsetDateTime: '2026-04-20' })],
        medicationRequests: [azathioprine({ start: '2025-01-10' })],
      }),
    ).toBe(false);
  });

  it('is silent after a transplant, and without lupus nephritis (§1 gates)', () => {
    const pregnant = pregnancyCondition({ onsetDateTime: '2026-04-20' });
    const kidneyTransplant = condition('http://hl7.org/fhir/sid/icd-10-cm', 'Z94.0');
    expect(fires({ ...onMmfWith([pregnant, kidneyTransplant]) })).toBe(false);
    expect(fires({ ...onMmfWith([pregnant]), conditions: [pregnant] })).toBe(false);
  });
});

describe('pregnancy-teratogenic-drug in order hooks (rule 1a)', () => {
  const pregnant = [lupusNephritis(), pregnancyCondition({ onsetDateTime: '2026-04-20' })];

  it('is silent when a draft stops MMF and a draft starts azathioprine: the stop is the right action', () => {
    expect(
      fires({
        hook: 'order-sign',
        conditions: pregnant,
        medicationRequests: [mmfSince2024],
        draftOrders: [
          mmf({ id: 'mmf-stop', status: 'stopped', start: '2026-06-01' }),
          azathioprine({ id: 'aza', status: 'draft', start: '2026-06-01' }),
        ],
      }),
    ).toBe(false);
  });

  it('warns when cyclophosphamide is drafted after a positive urine hCG on 28 May, and offers to remove the draft', () => {
    const [card] = cardsOf({
      hook: 'order-select',
      observations: [hcg('positive', '2026-05-28T09:00:00Z')],
      draftOrders: [cyclophosphamide({ id: 'cyc', status: 'draft', start: '2026-06-01' })],
    });
    expect(card?.summary).toBe(
      'Pregnancy recorded (2026-05-28) and cyclophosphamide is ordered: embryofetal toxicity — switch to a pregnancy-compatible regimen',
    );
    expect(card?.suggestions).toEqual([
      {
        label: 'Remove the cyclophosphamide order',
        uuid: expect.any(String) as string,
        actions: [
          {
            type: 'delete',
            description: 'Remove the cyclophosphamide order',
            resourceId: 'MedicationRequest/cyc',
          },
        ],
      },
    ]);
  });

  it('offers to remove a new MMF draft that replaces the active MMF order', () => {
    const [card] = cardsOf({
      hook: 'order-sign',
      conditions: pregnant,
      medicationRequests: [mmfSince2024],
      draftOrders: [mmf({ id: 'mmf-new', status: 'draft', start: '2026-06-01', doseMg: 1000 })],
    });
    expect(card?.summary).toContain('mycophenolate is ordered');
    expect(card?.suggestions?.[0]?.actions).toEqual([
      {
        type: 'delete',
        description: 'Remove the mycophenolate order',
        resourceId: 'MedicationRequest/mmf-new',
      },
    ]);
  });

  it('names both drugs on one card, with no removal that would leave the active MMF in place', () => {
    const cards = cardsOf({
      hook: 'order-sign',
      conditions: pregnant,
      medicationRequests: [mmfSince2024],
      draftOrders: [cyclophosphamide({ id: 'cyc', status: 'draft', start: '2026-06-01' })],
    });
    expect(cards).toHaveLength(1);
    expect(cards[0]?.summary).toBe(
      'Pregnancy recorded (2026-04-20) with mycophenolate and cyclophosphamide: embryofetal toxicity — switch to a pregnancy-compatible regimen',
    );
    expect(cards[0]?.summary.length).toBeLessThan(140);
    expect(cards[0]?.suggestions).toBeUndefined();
  });

  it('warns for an active MMF order when an unrelated drug is drafted, without a suggestion', () => {
    const [card] = cardsOf({
      hook: 'order-sign',
      conditions: pregnant,
      medicationRequests: [mmfSince2024],
      draftOrders: [order({ id: 'lisinopril', status: 'draft', text: 'lisinopril 10 MG Oral Tablet' })],
    });
    expect(card?.summary).toContain('mycophenolate is active');
    expect(card?.suggestions).toBeUndefined();
  });

  it('gives no removal suggestion for a draft without an id', () => {
    const draft = mmf({ status: 'draft', start: '2026-06-01' });
    delete draft.id;
    const [card] = cardsOf({ hook: 'order-sign', conditions: pregnant, draftOrders: [draft] });
    expect(card?.summary).toContain('mycophenolate is ordered');
    expect(card?.suggestions).toBeUndefined();
  });
});
