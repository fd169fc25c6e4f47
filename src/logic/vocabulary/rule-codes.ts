/**
 * The rule codes of clinical-rules.md §5 and of its second wave (clinical-rules-wave2.md §4). Every card carries one of them as
 * `source.topic = { system: RULE_CODE_SYSTEM, code, display }`.
 */
export const RULE_CODE_SYSTEM = 'urn:ln-cds-hooks:rule';

export const RULE_CODES = [
  { code: 'tacrolimus-trough-low', display: 'Tacrolimus trough below the LN maintenance target' },
  { code: 'tacrolimus-trough-high', display: 'Tacrolimus trough above the LN maintenance target' },
  { code: 'tacrolimus-trough-overdue', display: 'Tacrolimus trough level overdue' },
  {
    code: 'tacrolimus-cyp3a4-interaction',
    display: 'Tacrolimus with a strong CYP3A4 inhibitor or inducer',
  },
  { code: 'mycophenolate-dose-low', display: 'Mycophenolate daily dose below the LN range' },
  { code: 'mycophenolate-dose-high', display: 'Mycophenolate daily dose above the LN range' },
  {
    code: 'mycophenolate-renal-dose',
    display: 'Mycophenolate dose too high for severe renal impairment',
  },
  { code: 'mpa-trough-low', display: 'MPA trough below the level linked to remission' },
  { code: 'mpa-auc-out-of-range', display: 'MPA AUC0-12 outside the literature target' },
  {
    code: 'glucocorticoid-dose-high',
    display: 'Glucocorticoid dose above the LN maintenance limit',
  },
  { code: 'azathioprine-dose-high', display: 'Azathioprine dose above 2 mg/kg/day' },
  { code: 'azathioprine-dose-low', display: 'Azathioprine dose below 1.5 mg/kg/day' },
  { code: 'overimmunosuppression', display: 'Overlapping immunosuppressants' },
  {
    code: 'immunosuppression-stopped-early',
    display: 'LN immunosuppression stopped before 36 months',
  },
  // Second wave (clinical-rules-wave2.md §4).
  { code: 'glucocorticoid-abrupt-stop', display: 'Long-term glucocorticoid stopped without a taper' },
  { code: 'pregnancy-teratogenic-drug', display: 'Pregnancy recorded with mycophenolate or cyclophosphamide' },
  {
    code: 'mycophenolate-pregnancy-test-missing',
    display: 'Mycophenolate started without a recent pregnancy test',
  },
  { code: 'azathioprine-febuxostat', display: 'Azathioprine with febuxostat (contraindicated)' },
  { code: 'azathioprine-allopurinol', display: 'Azathioprine with allopurinol without a dose reduction' },
  {
    code: 'voclosporin-strong-cyp3a4-inhibitor',
    display: 'Voclosporin with a strong CYP3A4 inhibitor (contraindicated)',
  },
  { code: 'cni-kidney-function-overdue', display: 'Kidney function check overdue on a calcineurin inhibitor' },
  { code: 'cni-egfr-decline', display: 'eGFR decline from the pre-calcineurin-inhibitor baseline' },
  { code: 'hydroxychloroquine-not-prescribed', display: 'No hydroxychloroquine for a patient with LN' },
] as const;

export type RuleCode = (typeof RULE_CODES)[number]['code'];

const DISPLAY_BY_CODE: ReadonlyMap<string, string> = new Map(
  RULE_CODES.map((entry) => [entry.code, entry.display]),
);

export function displayOfRuleCode(code: RuleCode): string {
  return DISPLAY_BY_CODE.get(code) ?? code;
}

export function isRuleCode(value: string): value is RuleCode {
  return DISPLAY_BY_CODE.has(value);
}

/**
 * How a site runs a rule (service-contract.md, CDS_RULES_FILE): `active` shows its cards,
 * `shadow` evaluates and records them without returning them, `off` does not evaluate it.
 */
export type RuleMode = 'active' | 'shadow' | 'off';

export const RULE_MODES: readonly RuleMode[] = ['active', 'shadow', 'off'];
