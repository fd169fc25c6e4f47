import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULE_CODES } from '../../src/logic/vocabulary/rule-codes';

/** docs/rules.md must document every rule code of clinical-rules.md §5 in its own section. */
const doc = readFileSync(join(__dirname, '../../docs/rules.md'), 'utf8');
const headings = new Set(
  doc
    .split('\n')
    .filter((line) => line.startsWith('## '))
    .map((line) => line.slice(3).trim()),
);

export function missingSections(codes: readonly string[], documented: ReadonlySet<string>): string[] {
  return codes.filter((code) => !documented.has(code));
}

describe('docs/rules.md', () => {
  it('has a section for every rule code', () => {
    expect(
      missingSections(
        RULE_CODES.map((r) => r.code),
        headings,
      ),
    ).toEqual([]);
  });

  it('reports a rule code without a section', () => {
    expect(missingSections(['tacrolimus-trough-low', 'a-rule-nobody-wrote'], headings)).toEqual([
      'a-rule-nobody-wrote',
    ]);
  });

  it("lists the fourteen rule codes of §5 first, the second wave's after them", () => {
    expect(RULE_CODES.findIndex((r) => r.code === 'immunosuppression-stopped-early')).toBe(13);
    expect(RULE_CODES.findIndex((r) => r.code === 'cni-kidney-function-overdue')).toBeGreaterThan(13);
  });
});
