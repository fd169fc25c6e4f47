import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RXNORM_INGREDIENTS, RXNORM_PRODUCTS } from '../../src/logic/vocabulary/medication-groups';
import { NON_SYSTEMIC_RXNORM_PRODUCTS } from '../../src/logic/vocabulary/non-systemic';
import { OBSERVATION_GROUPS, OBSERVATION_GROUP_KEYS } from '../../src/logic/vocabulary/observation-groups';
import { PREGNANCY_STATUS_LOINC, QUALITATIVE_HCG_LOINC } from '../../src/logic/vocabulary/pregnancy-codes';
import { fixturesDir } from '../support/fixtures';

/**
 * Guards the code tables against typos: every RxNorm and LOINC code in src/logic must appear in
 * the clinical spec (fixtures/spec/clinical-rules.md §2, §3; clinical-rules-wave2.md §1), and every
 * verified code of the spec's tables must be used.
 */
const spec = readFileSync(join(fixturesDir('spec'), 'clinical-rules.md'), 'utf8');
const wave2 = readFileSync(join(fixturesDir('spec'), 'clinical-rules-wave2.md'), 'utf8');

function section(title: string, page = spec, level = '## '): string {
  const start = page.indexOf(title);
  const end = page.indexOf(`\n${level}`, start + 1);
  return page.slice(start, end === -1 ? undefined : end);
}

const LOINC = /\b\d{4,6}-\d\b/g;

/** The second column (codes) of each row of a Markdown table. */
function codeColumn(table: string): string {
  return table
    .split('\n')
    .filter((line) => line.startsWith('|') && !line.startsWith('|--') && !line.startsWith('| group'))
    .map((line) => line.split('|')[2] ?? '')
    .join('\n');
}

describe('code tables agree with clinical-rules.md and its second wave', () => {
  it('uses exactly the LOINC codes of §3 and wave 2 §1.2–1.3, minus those the pages exclude', () => {
    const inSpec = new Set([
      ...(section('## 3. Observations').match(LOINC) ?? []),
      ...(section('### 1.2 Pregnancy evidence', wave2, '#').match(LOINC) ?? []),
      ...(section('### 1.3 Kidney function', wave2, '#').match(LOINC) ?? []),
    ]);
    inSpec.delete('92727-7'); // "Exclude AUC 92727-7"
    // "Quantitative hCG is not used (19080-1, 21198-7, 83086-9 …)".
    for (const code of ['19080-1', '21198-7', '83086-9']) inSpec.delete(code);
    // "The pre/post-dialysis codes of that set (11041-1, 11042-9, 51619-5, 51620-3) are deliberately left out".
    for (const code of ['11041-1', '11042-9', '51619-5', '51620-3']) inSpec.delete(code);
    // The order code 2160-0 is a creatinine code too; the panel 24362-6 is only an alternative order.
    inSpec.delete('24362-6');
    const ours = new Set([
      ...OBSERVATION_GROUP_KEYS.flatMap((key) => OBSERVATION_GROUPS[key].loinc),
      PREGNANCY_STATUS_LOINC,
      ...QUALITATIVE_HCG_LOINC,
    ]);
    expect([...ours].sort()).toEqual([...inSpec].sort());
  });

  it('uses only RxNorm codes of the §2 drug table, and all of them', () => {
    const table = section('## 2. Medicines');
    const rows = table.split('\n').filter((line) => line.startsWith('|'));
    // Wave 2 §1.1: codes not marked UNVERIFIED (those match by name only); "200 mg" is a strength.
    const wave2Codes = [...codeColumn(section('### 1.1 Medicines', wave2, '#')).matchAll(/\b(\d{3,7})\b(?! ?mg)( \*\*UNVERIFIED\*\*)?/g)]
      .filter((match) => match[2] === undefined)
      .map((match) => match[1] ?? '');
    const inSpec = new Set([...(rows.join('\n').match(/\b\d{4,7}\b/g) ?? []), ...wave2Codes]);
    const ours = new Set([
      ...RXNORM_INGREDIENTS.keys(),
      ...RXNORM_PRODUCTS.keys(),
      ...NON_SYSTEMIC_RXNORM_PRODUCTS,
    ]);
    expect([...ours].filter((code) => !inSpec.has(code))).toEqual([]);
    expect([...inSpec].filter((code) => !ours.has(code))).toEqual([]);
  });
});
