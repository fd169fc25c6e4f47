import { computeDailyDose } from '../../src/logic/dose/daily-dose';
import { countOf, frequencyWords, timingCodeWords } from '../../src/logic/dose/dose-words';

/**
 * §6: "Text a clinician or pharmacist reads uses words, not UCUM codes: '3 tablets twice daily',
 * not '3 {tbl} BID' or '1/1 d'". The derivation on a card is the schedule as a prescriber writes it.
 */
const NOW = new Date('2026-06-01T09:00:00.000Z');
const UCUM = 'http://unitsofmeasure.org';
const TABLET_500 = { mg: 500, per: 'unit', form: 'tablet' } as const;
const CAPSULE_250 = { mg: 250, per: 'unit', form: 'capsule' } as const;

function howOf(
  dose: readonly [number, string, string?],
  timing: fhir4.Timing,
  strength?: Parameters<typeof computeDailyDose>[1]['strength'],
  extra: Partial<fhir4.Dosage> = {},
): string {
  const [value, code, system = UCUM] = dose;
  const result = computeDailyDose(
    [{ timing, doseAndRate: [{ doseQuantity: { value, unit: code, system, code } }], ...extra }],
    { now: NOW, strength },
  );
  if (!result.ok) throw new Error(result.reason);
  return result.how;
}
const code = (c: string): fhir4.Timing => ({ code: { coding: [{ code: c }] } });
const every = (
  frequency: number,
  period: number,
  periodUnit: fhir4.TimingRepeat['periodUnit'],
): fhir4.Timing => ({
  repeat: { frequency, period, periodUnit },
});

describe('schedules in words', () => {
  it.each([
    ['QD', 'once daily'],
    ['AM', 'every morning'],
    ['PM', 'every evening'],
    ['BID', 'twice daily'],
    ['TID', 'three times daily'],
    ['QID', 'four times daily'],
    ['QOD', 'every other day'],
  ])('timing code %s is "%s"', (abbreviation, words) => {
    expect(timingCodeWords(abbreviation)).toBe(words);
  });

  it.each<[number, number, string, string]>([
    [1, 1, 'd', 'once daily'],
    [2, 1, 'd', 'twice daily'],
    [3, 1, 'd', 'three times daily'],
    [4, 1, 'd', 'four times daily'],
    [6, 1, 'd', '6 times daily'],
    [1, 2, 'd', 'every other day'],
    [1, 3, 'd', 'every 3 days'],
    [1, 8, 'h', 'every 8 hours'],
    [1, 12, 'h', 'every 12 hours'],
    [1, 1, 'wk', 'once weekly'],
    [2, 1, 'wk', 'twice weekly'],
    [1, 2, 'wk', 'every 2 weeks'],
    [3, 2, 'wk', 'three times every 2 weeks'],
    [1, 1, 'mo', 'once monthly'],
  ])('%s per %s %s is "%s"', (frequency, period, unit, words) => {
    expect(frequencyWords(frequency, period, unit)).toBe(words);
  });
});

describe('counted units in words, with the right plural', () => {
  it.each<[number, string, string]>([
    [1, 'tbl', '1 tablet'],
    [3, 'tbl', '3 tablets'],
    [2, 'tab', '2 tablets'],
    [1, 'capsule', '1 capsule'],
    [2, 'cap', '2 capsules'],
    [2, 'pill', '2 pills'],
  ])('%s %s (no product form known) is "%s"', (count, unit, words) => {
    expect(countOf(count, unit, { mg: 500, per: 'unit' })).toBe(words);
  });

  it('names the product form when the code gives it: {pill} of a 500 mg MMF tablet is a tablet, {tbl} of a 250 mg capsule a capsule', () => {
    expect(countOf(2, 'pill', TABLET_500)).toBe('2 tablets');
    expect(countOf(3, 'tbl', CAPSULE_250)).toBe('3 capsules');
  });
});

describe('how a daily dose was computed, as the card shows it', () => {
  it.each<[string, string, readonly [number, string, string?], fhir4.Timing, Parameters<typeof howOf>[2]]>([
    ['{tbl} twice daily', '3 × 500 mg tablets twice daily', [3, '{tbl}'], code('BID'), TABLET_500],
    [
      'the Sandbox {pill}, 1 per 1 d',
      '2 × 500 mg tablets once daily',
      [2, '{pill}'],
      every(1, 1, 'd'),
      TABLET_500,
    ],
    [
      'the v3 dose form TAB',
      '1 × 500 mg tablet three times daily',
      [1, 'TAB', 'http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm'],
      code('TID'),
      TABLET_500,
    ],
    [
      '{capsule} every 12 hours',
      '1 × 250 mg capsule every 12 hours',
      [1, '{capsule}'],
      every(1, 12, 'h'),
      CAPSULE_250,
    ],
    ['mg four times daily', '500 mg four times daily', [500, 'mg'], code('QID'), undefined],
    ['g every other day', '1 g every other day', [1, 'g'], code('QOD'), undefined],
    ['ug (written mcg)', '500 mcg once daily', [500, 'ug'], code('QD'), undefined],
    ['mL of a suspension', '5 mL of 200 mg/mL twice daily', [5, 'mL'], code('BID'), { mg: 200, per: 'mL' }],
  ])('%s: "%s"', (_name, how, dose, timing, strength) => {
    expect(howOf(dose, timing, strength)).toBe(how);
  });

  it('says "as needed" for the as-needed instruction only', () => {
    expect(howOf([5, 'mg'], code('QD'), undefined, { asNeededBoolean: true })).toBe(
      '5 mg once daily as needed',
    );
  });

  it('never shows a UCUM annotation or a "/1 d" frequency', () => {
    const how = howOf([2, '{pill}'], every(1, 1, 'd'), TABLET_500);
    expect(how).not.toMatch(/[{}]|\/\d|\bBID\b|\bQD\b/);
  });
});
