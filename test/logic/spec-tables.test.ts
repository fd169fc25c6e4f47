import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RXNORM_INGREDIENTS, RXNORM_PRODUCTS } from '../../src/logic/vocabulary/medication-groups';
import { NON_SYSTEMIC_RXNORM_PRODUCTS } from '../../src/logic/vocabulary/non-systemic';
import { OBSERVATION_GROUPS, OBSERVATION_GROUP_KEYS } from '../../src/logic/vocabulary/observation-groups';
import { fixturesDir } from '../support/fixtures';

/**
 * Guards the code tables against typos: every RxNorm and LOINC code in src/logic must appear in
 * the clinical spec (fixtures/spec/clinical-rules.md §2, §3), and every code of the spec's tables must be used.
 */
const spec = readFileSync(join(fixturesDir('spec'), 'clinical-rules.md'), 'utf8');

function section(title: string): string {
  const start = spec.indexOf(title);
  const end = spec.indexOf('\n## ', start + 1);
  return spec.slice(start, end === -1 ? undefined : end);
}

describe('code tables agree with clinical-rules.md', () => {
  it('uses exactly the LOINC codes of §3 (minus the excluded tacrolimus AUC)', () => {
    const table = section('## 3. Observations');
    const inSpec = new Set(table.match(/\b\d{4,6}-\d\b/g));
    inSpec.delete('92727-7'); // "Exclude AUC 92727-7"
    const ours = new Set(OBSERVATION_GROUP_KEYS.flatMap((key) => OBSERVATION_GROUPS[key].loinc));
    expect([...ours].sort()).toEqual([...inSpec].sort());
  });

  it('uses only RxNorm codes of the §2 drug table, and all of them', () => {
    const table = section('## 2. Medicines');
    const rows = table.split('\n').filter((line) => line.startsWith('|'));
    const inSpec = new Set(rows.join('\n').match(/\b\d{4,7}\b/g));
    const ours = new Set([
      ...RXNORM_INGREDIENTS.keys(),
      ...RXNORM_PRODUCTS.keys(),
      ...NON_SYSTEMIC_RXNORM_PRODUCTS,
    ]);
    expect([...ours].filter((code) => !inSpec.has(code))).toEqual([]);
    expect([...inSpec].filter((code) => !ours.has(code))).toEqual([]);
  });
});
