import { decide } from '../../src/logic/decide';
import { evaluateScopeGate } from '../../src/logic/record/scope-gate';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import {
  NOW,
  condition,
  lupusNephritis,
  record,
  sequentialIds,
  tacrolimus,
  tacrolimusLevel,
} from './record-builders';

const SNOMED = 'http://snomed.info/sct';
const ICD10CM = 'http://hl7.org/fhir/sid/icd-10-cm';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';

/** A maintenance patient with a low trough: any card that appears comes from the gate letting it. */
function lowTroughCodes(conditions: fhir4.Condition[]): string[] {
  const decision = decide({
    record: record({
      conditions,
      medicationRequests: [tacrolimus({ start: '2025-01-10' })],
      observations: [tacrolimusLevel(3.1)],
    }),
    now: NOW,
    newId: sequentialIds(),
    targets: DEFAULT_TARGETS,
  });
  return decision.cards.map((card) => card.source.topic?.code ?? '');
}

describe('lupus nephritis gate (§1)', () => {
  it.each([
    ['SNOMED SLE glomerulonephritis 68815009', SNOMED, '68815009'],
    ['SNOMED WHO class IV 36402006', SNOMED, '36402006'],
    ['SNOMED 307755009', SNOMED, '307755009'],
    ['ICD-10-CM M32.14', ICD10CM, 'M32.14'],
    ['ICD-10-CM M32.15', ICD10CM, 'M32.15'],
    ['ICD-10-CM M3214 without the dot', ICD10CM, 'M3214'],
    ['WHO ICD-10 M32.14', ICD10, 'M32.14'],
    ['WHO ICD-10 m3215 lower case, no dot', ICD10, 'm3215'],
  ])('applies LN targets to a patient with %s', (_name, system, code) => {
    expect(lowTroughCodes([condition(system, code)])).toEqual(['tacrolimus-trough-low']);
  });

  it.each([
    ['SLE alone (SNOMED 55464009)', SNOMED, '55464009'],
    ['SLE alone (ICD-10-CM M32.10)', ICD10CM, 'M32.10'],
    ['SLE alone (ICD-10-CM M32.19)', ICD10CM, 'M32.19'],
    ['SLE alone (ICD-10-CM M32.9)', ICD10CM, 'M32.9'],
    ['an M32.14 code in an unknown code system', 'http://example.org/codes', 'M32.14'],
  ])('gives no cards for %s', (_name, system, code) => {
    expect(lowTroughCodes([condition(system, code)])).toEqual([]);
  });

  it('keeps LN in remission or inactive in scope: maintenance is given in remission', () => {
    const inRemission = lupusNephritis({ clinicalStatus: { coding: [{ code: 'remission' }] } });
    const inactive = lupusNephritis({ clinicalStatus: { coding: [{ code: 'inactive' }] } });
    expect(lowTroughCodes([inRemission])).toEqual(['tacrolimus-trough-low']);
    expect(lowTroughCodes([inactive])).toEqual(['tacrolimus-trough-low']);
  });

  it('ignores an LN diagnosis entered in error or refuted', () => {
    expect(lowTroughCodes([condition(SNOMED, '36402006', 'entered-in-error')])).toEqual([]);
    expect(lowTroughCodes([condition(SNOMED, '36402006', 'refuted')])).toEqual([]);
  });

  it('gives no cards when the patient has no conditions at all', () => {
    expect(evaluateScopeGate([])).toEqual({ inScope: false, reason: 'no-lupus-nephritis' });
  });
});

describe('transplant gate (§1)', () => {
  const ln = lupusNephritis();
  it.each([
    'Z94.0',
    'Z94.4',
    'Z940',
    'Z94.81',
    'Z94.84',
    'Z94.89',
    'Z94.8',
    'Z94.9',
    'T86.00',
    'T86.11',
    'T86.49',
    'T8640',
    'T86.81',
    'T86.899',
    'Z48.21',
    'Z48.298',
    'z48.22',
  ])('silences every LN card after a transplant coded %s', (code) => {
    expect(lowTroughCodes([ln, condition(ICD10CM, code)])).toEqual([]);
  });

  it.each(['737294004', '737295003', '70536003', '18027006', '175901007', '161665007', '161671001'])(
    'silences every LN card after a transplant coded SNOMED %s',
    (code) => {
      expect(lowTroughCodes([ln, condition(SNOMED, code)])).toEqual([]);
    },
  );

  it('silences LN cards after a transplant coded in WHO ICD-10', () => {
    expect(lowTroughCodes([ln, condition(ICD10, 'T86.1')])).toEqual([]);
  });

  it.each([
    ['a skin graft (Z94.5)', 'Z94.5'],
    ['a bone graft (Z94.6)', 'Z94.6'],
    ['a cornea graft (Z94.7)', 'Z94.7'],
    ['a stem-cell transplant complication not listed (T86.5)', 'T86.5'],
    ['the mixed header Z94', 'Z94'],
  ])('does not gate on %s', (_name, code) => {
    expect(lowTroughCodes([ln, condition(ICD10CM, code)])).toEqual(['tacrolimus-trough-low']);
  });

  it('does not gate on a transplant entered in error or refuted', () => {
    expect(lowTroughCodes([ln, condition(ICD10CM, 'Z94.0', 'entered-in-error')])).toEqual([
      'tacrolimus-trough-low',
    ]);
    expect(lowTroughCodes([ln, condition(ICD10CM, 'Z94.0', 'refuted')])).toEqual(['tacrolimus-trough-low']);
  });

  it('gates on a resolved transplant condition too: any clinical status counts', () => {
    const resolved = { ...condition(ICD10CM, 'Z94.0'), clinicalStatus: { coding: [{ code: 'resolved' }] } };
    expect(lowTroughCodes([ln, resolved])).toEqual([]);
  });

  it('says why in a note, without patient data', () => {
    const decision = decide({
      record: record({ conditions: [ln, condition(ICD10CM, 'Z94.0')] }),
      now: NOW,
      newId: sequentialIds(),
      targets: DEFAULT_TARGETS,
    });
    expect(decision.notes).toEqual(['transplant recorded: no LN cards']);
  });
});
