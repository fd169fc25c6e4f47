import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors';
import { loadTargetsFile } from '../../src/config/targets-file';
import { mycophenolateDoseHigh } from '../../src/logic/rules/mycophenolate-dose';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { codesOf, dosage, order, run } from '../logic/support/dose-scenarios';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'targets-file-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeTargets(name: string, content: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function expectRefused(file: string, message: string): void {
  expect(() => loadTargetsFile(file)).toThrow(ConfigError);
  expect(() => loadTargetsFile(file)).toThrow(message);
}

describe('loadTargetsFile', () => {
  it('uses the built-in defaults when no file is configured', () => {
    expect(loadTargetsFile(undefined)).toBe(DEFAULT_TARGETS);
  });

  it('lets a site raise the tacrolimus trough target to 5–7 ng/mL and keeps every other default', () => {
    const file = writeTargets('site.json', { tacrolimus: { troughNgPerMl: { min: 5, max: 7 } } });
    const targets = loadTargetsFile(file);
    expect(targets.tacrolimus.troughNgPerMl).toEqual({ min: 5, max: 7 });
    expect(targets).toEqual({
      ...DEFAULT_TARGETS,
      tacrolimus: { ...DEFAULT_TARGETS.tacrolimus, troughNgPerMl: { min: 5, max: 7 } },
    });
  });

  it('overrides one end of a range only (MMF maintenance max 2500 mg/day, min stays 1500)', () => {
    const file = writeTargets('mmf-max.json', { mycophenolate: { mmfMaintenanceMgPerDay: { max: 2500 } } });
    expect(loadTargetsFile(file).mycophenolate.mmfMaintenanceMgPerDay).toEqual({ min: 1500, max: 2500 });
  });

  it('changes the threshold the rule uses: MMF 1200 mg BID is high by default, in range under a 2500 mg/day site maximum', () => {
    const start = '2025-01-17T09:00:00.000Z';
    const orders = [
      order({ id: 'mmf', product: 'mmf500tab', dosage: dosage(1200, 'mg', 'BID', start), start }),
    ];
    expect(codesOf(run(mycophenolateDoseHigh, { orders }))).toEqual(['mycophenolate-dose-high']);
    const file = writeTargets('site-mmf.json', { mycophenolate: { mmfMaintenanceMgPerDay: { max: 2500 } } });
    expect(codesOf(run(mycophenolateDoseHigh, { orders, targets: loadTargetsFile(file) }))).toEqual([]);
  });

  it('accepts an empty override as the defaults', () => {
    expect(loadTargetsFile(writeTargets('empty.json', {}))).toEqual(DEFAULT_TARGETS);
  });

  it('returns deeply frozen targets and leaves the defaults untouched', () => {
    const targets = loadTargetsFile(writeTargets('frozen.json', { azathioprine: { maxMgPerKgPerDay: 2.5 } }));
    expect(Object.isFrozen(targets)).toBe(true);
    expect(Object.isFrozen(targets.azathioprine)).toBe(true);
    expect(Object.isFrozen(targets.mycophenolate.renal)).toBe(true);
    expect(DEFAULT_TARGETS.azathioprine.maxMgPerKgPerDay).toBe(2.0);
  });

  it('names the field whose value is not a number', () => {
    const file = writeTargets('string.json', { tacrolimus: { troughNgPerMl: { min: '4' } } });
    expectRefused(file, 'CDS_TARGETS_FILE: /tacrolimus/troughNgPerMl/min must be number');
  });

  it('refuses a negative threshold', () => {
    const file = writeTargets('negative.json', { glucocorticoid: { maintenanceMaxMgPerDay: -1 } });
    expectRefused(file, 'CDS_TARGETS_FILE: /glucocorticoid/maintenanceMaxMgPerDay must be >= 0');
  });

  it('refuses a window of a fractional number of days', () => {
    const file = writeTargets('fraction.json', { tacrolimus: { levelWindowDays: 90.5 } });
    expectRefused(file, 'CDS_TARGETS_FILE: /tacrolimus/levelWindowDays must be integer');
  });

  it('refuses an unknown (misspelt) field rather than silently keeping the default', () => {
    const file = writeTargets('unknown.json', { tacrolimus: { troughNgPerML: { min: 5 } } });
    expectRefused(file, 'CDS_TARGETS_FILE: /tacrolimus/troughNgPerML is not a known target');
  });

  it('refuses an unknown top-level field', () => {
    expectRefused(
      writeTargets('top.json', { sirolimus: {} }),
      'CDS_TARGETS_FILE: /sirolimus is not a known target',
    );
  });

  it('refuses a range whose min is above its max, also when only the min was overridden', () => {
    const file = writeTargets('inverted.json', { mycophenolate: { mmfMaintenanceMgPerDay: { min: 2500 } } });
    expectRefused(
      file,
      'CDS_TARGETS_FILE: /mycophenolate/mmfMaintenanceMgPerDay/min (2500) must not be above /mycophenolate/mmfMaintenanceMgPerDay/max (2000)',
    );
  });

  it('refuses a file that is not a JSON object', () => {
    expectRefused(writeTargets('array.json', [1, 2]), 'CDS_TARGETS_FILE: / must be object');
  });

  it('explains a file that is not valid JSON', () => {
    const file = writeTargets('broken.json', '{ "tacrolimus": ');
    expectRefused(file, `CDS_TARGETS_FILE: ${file} is not valid JSON`);
  });

  it('explains a file that cannot be read', () => {
    const file = path.join(dir, 'missing.json');
    expectRefused(file, `CDS_TARGETS_FILE: cannot read ${file}`);
  });
});
