import { convertUnit } from '../../src/logic/dose/units';

/**
 * A unit field holding free text (a name, a note) is no unit: the conversion fails quietly —
 * nothing is printed outside the structured log, where it could carry patient data.
 */
describe('a unit that is free text', () => {
  let printed: jest.SpyInstance;
  beforeEach(() => {
    printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    printed.mockRestore();
  });

  test.each(['see Dr Jane Roe', 'ng/mL per lab note', 'x'.repeat(200)])(
    '"%s" cannot be converted and nothing is printed',
    (unit) => {
      expect(convertUnit(3.1, unit, 'ng/mL', 804.02)).toEqual({ ok: false, reason: expect.any(String) });
      expect(printed).not.toHaveBeenCalled();
    },
  );

  test('spaces around a slash are a spelling: 3.1 ng / mL is 3.1 ng/mL', () => {
    expect(convertUnit(3.1, 'ng / mL', 'ng/mL', 804.02)).toEqual({ ok: true, value: 3.1 });
  });

  test('a real unit still converts: 9.0 nmol/L of tacrolimus is 7.24 ng/mL', () => {
    const result = convertUnit(9.0, 'nmol/L', 'ng/mL', 804.02);
    expect(result.ok && Math.round(result.value * 100) / 100).toBe(7.24);
    expect(printed).not.toHaveBeenCalled();
  });
});
