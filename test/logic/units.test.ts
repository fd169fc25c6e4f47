import { OBSERVATION_GROUPS } from '../../src/logic/vocabulary/observation-groups';
import { readResult } from '../../src/logic/record/observations';
import { convertUnit, normaliseUnit } from '../../src/logic/dose/units';
import { result } from './record-builders';

describe('unit spellings are normalised before UCUM (§7)', () => {
  it.each([
    ['µg/L', 'ug/L'],
    ['μg/L', 'ug/L'],
    ['mcg/L', 'ug/L'],
    ['mcg/mL', 'ug/mL'],
    ['mL/min/1.73m2', 'mL/min/{1.73_m2}'],
    ['ml/min/1.73 m2', 'mL/min/{1.73_m2}'],
    ['mL/min/1.73m^2', 'mL/min/{1.73_m2}'],
    ['mL/min/(1.73 m²)', 'mL/min/{1.73_m2}'],
    ['mL/min/{1.73_m2}', 'mL/min/{1.73_m2}'],
    ['mg·h/L', 'mg.h/L'],
    ['ug*h/mL', 'ug.h/mL'],
    ['lbs', '[lb_av]'],
  ])('%s → %s', (spelling, ucum) => {
    expect(normaliseUnit(spelling)).toBe(ucum);
  });
});

describe('conversion with @lhncbc/ucum-lhc', () => {
  const value = (r: ReturnType<typeof convertUnit>): number | undefined => (r.ok ? r.value : undefined);

  it('converts tacrolimus nmol/L to ng/mL with 804.02 g/mol (÷ 1.2437)', () => {
    expect(value(convertUnit(9, 'nmol/L', 'ng/mL', 804.02))).toBeCloseTo(9 / 1.2437, 3);
  });
  it('converts MPA µmol/L to mg/L with 320.34 g/mol (÷ 3.1217)', () => {
    expect(value(convertUnit(6.2, 'µmol/L', 'mg/L', 320.34))).toBeCloseTo(6.2 / 3.1217, 3);
  });
  it('treats ug/mL and mg/L, ug.h/mL and mg.h/L as equal', () => {
    expect(value(convertUnit(1.5, 'ug/mL', 'mg/L', 320.34))).toBeCloseTo(1.5, 10);
    expect(value(convertUnit(45, 'ug.h/mL', 'mg.h/L', 320.34))).toBeCloseTo(45, 10);
  });
  it('converts body weight in g and pounds to kg', () => {
    expect(value(convertUnit(70000, 'g', 'kg'))).toBeCloseTo(70, 10);
    expect(value(convertUnit(154, '[lb_av]', 'kg'))).toBeCloseTo(69.85, 2);
  });
  it('refuses mL/min as an eGFR in mL/min/{1.73_m2}: UCUM annotations are not units', () => {
    expect(convertUnit(20, 'mL/min', 'mL/min/{1.73_m2}').ok).toBe(false);
    expect(value(convertUnit(20, 'mL/min/1.73m2', 'mL/min/{1.73_m2}'))).toBe(20);
  });
  it('converts each trough by its own value and molecular weight when the same unit repeats', () => {
    const first = value(convertUnit(9, 'nmol/L', 'ng/mL', 804.02));
    const second = value(convertUnit(18, 'nmol/L', 'ng/mL', 804.02));
    const again = value(convertUnit(9, 'nmol/L', 'ng/mL', 804.02));
    expect(second).toBeCloseTo(2 * (first ?? Number.NaN), 10);
    expect(again).toBe(first);
    expect(value(convertUnit(9, 'nmol/L', 'mg/L', 320.34))).not.toBe(first);
  });
  it('refuses an unknown or incommensurable unit', () => {
    expect(convertUnit(5, 'furlongs', 'ng/mL').ok).toBe(false);
    expect(convertUnit(5, 'mg', 'ng/mL').ok).toBe(false);
    expect(convertUnit(5, '', 'ng/mL').ok).toBe(false);
  });
});

describe('reading a result in the canonical unit', () => {
  it('rounds to two decimals: 4.9748 nmol/L reads 4.00 ng/mL', () => {
    const reading = readResult(result({ value: 4.9748, unit: 'nmol/L' }), OBSERVATION_GROUPS.tacrolimus);
    expect(reading).toEqual({
      ok: true,
      value: 4,
      unit: 'ng/mL',
      reported: { value: 4.9748, unit: 'nmol/L' },
    });
  });
  it('reads valueQuantity.code when the system is UCUM, otherwise the unit text', () => {
    const ucum = result({ value: 5, unit: 'ng/mL' });
    const coded: fhir4.Observation = {
      ...ucum,
      valueQuantity: {
        value: 5,
        unit: 'nanograms per millilitre',
        system: 'http://unitsofmeasure.org',
        code: 'ng/mL',
      },
    };
    const local: fhir4.Observation = {
      ...ucum,
      valueQuantity: { value: 5, unit: 'ng/mL', system: 'http://example.org/units', code: 'NGML' },
    };
    expect(readResult(coded, OBSERVATION_GROUPS.tacrolimus)).toMatchObject({ ok: true, value: 5 });
    expect(readResult(local, OBSERVATION_GROUPS.tacrolimus)).toMatchObject({ ok: true, value: 5 });
  });
  it('keeps the comparator and refuses "ad"', () => {
    const below = result({ value: 2, comparator: '<' });
    expect(readResult(below, OBSERVATION_GROUPS.tacrolimus)).toMatchObject({ ok: true, comparator: '<' });
    const ad = {
      ...below,
      valueQuantity: { ...below.valueQuantity, comparator: 'ad' },
    } as unknown as fhir4.Observation;
    expect(readResult(ad, OBSERVATION_GROUPS.tacrolimus).ok).toBe(false);
  });
  it('says why a result without a value cannot be read', () => {
    expect(readResult(result({}), OBSERVATION_GROUPS.tacrolimus)).toEqual({
      ok: false,
      reason: 'result has no numeric valueQuantity',
    });
  });
});
