import type { Finding, Measurement, TargetUsed } from '../rules/rule';
import type { RuleCode } from '../vocabulary/rule-codes';

/**
 * The wording of each rule's card (clinical-rules.md §6): a summary with the patient's number and
 * the target, why the target applies, the pitfalls from the source documents, and the links.
 */
export interface CardLink {
  readonly label: string;
  readonly url: string;
}

export interface CardText {
  summary(finding: Finding): string;
  /** Finding-specific sentences for the detail (which drugs, how many months …). */
  explain?(finding: Finding): readonly string[];
  readonly why: string;
  readonly pitfalls: readonly string[];
  readonly links: readonly CardLink[];
}

export const KDIGO_2024: CardLink = {
  label: 'KDIGO 2024 Clinical Practice Guideline for the Management of Lupus Nephritis',
  url: 'https://doi.org/10.1016/j.kint.2023.09.002',
};
const dailyMed = (brand: string): CardLink => ({
  label: `${brand} prescribing information (DailyMed)`,
  url: `https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=${encodeURIComponent(brand)}`,
});
export const PROGRAF_LABEL = dailyMed('Prograf');
export const CELLCEPT_LABEL = dailyMed('CellCept');
export const MYFORTIC_LABEL = dailyMed('Myfortic');
export const IMURAN_LABEL = dailyMed('Imuran');

const TROUGH_TIMING =
  'A trough is drawn 12 h after the last dose (about 24 h for once-daily extended-release tacrolimus); a later or earlier sample misleads.';
const CNI_NEPHROTOXICITY =
  'Calcineurin-inhibitor nephrotoxicity: a rising creatinine with a high trough suggests drug toxicity rather than LN activity.';
const CYP3A4 =
  "Tacrolimus is a CYP3A4 substrate: azoles, macrolides and HIV protease inhibitors raise levels; rifampin, carbamazepine, phenytoin and St John's wort lower them.";

/** "3.1", "< 2" — numbers as a clinician writes them. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

export function formatMeasurement(m: Measurement): string {
  return `${m.comparator ? `${m.comparator} ` : ''}${formatNumber(m.value)} ${m.unit}`;
}

/** The number as the patient's result reported it, with the converted value when converted. */
function formatReportedMeasurement(m: Measurement): string {
  if (!m.reported) return formatMeasurement(m);
  const comparator = m.comparator ? `${m.comparator} ` : '';
  return `${comparator}${formatNumber(m.reported.value)} ${m.reported.unit} (= ${formatMeasurement(m)})`;
}

export function formatTarget(t: TargetUsed): string {
  if (t.min !== undefined && t.max !== undefined) {
    return `${formatNumber(t.min)}–${formatNumber(t.max)} ${t.unit}`;
  }
  if (t.min !== undefined) return `≥ ${formatNumber(t.min)} ${t.unit}`;
  if (t.max !== undefined) return `≤ ${formatNumber(t.max)} ${t.unit}`;
  return t.unit;
}

/** "Tacrolimus trough 3.1 ng/mL is below the LN maintenance target of 4–6 ng/mL". */
export function compareSummary(finding: Finding): string {
  const { measured, target, direction } = finding;
  if (!measured || !target) return finding.code;
  const where = direction === 'outside' ? 'outside' : direction === 'above' ? 'above' : 'below';
  return `${measured.label} ${formatReportedMeasurement(measured)} is ${where} the ${target.label} of ${formatTarget(target)}`;
}

function listFact(finding: Finding, key: string): string {
  const value = finding.facts?.[key];
  return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
}

function numberFact(finding: Finding, key: string): number | undefined {
  const value = finding.facts?.[key];
  return typeof value === 'number' ? value : undefined;
}

const DOSE_PITFALLS = [
  'The daily dose is computed from the structured dosage (dose × frequency); check it against the free-text sig.',
];

export const CARD_TEXTS: Readonly<Record<RuleCode, CardText>> = {
  'tacrolimus-trough-low': {
    summary: compareSummary,
    why: 'In LN maintenance a tacrolimus trough of 4–6 ng/mL balances efficacy against nephrotoxicity; a lower trough risks under-treatment and flares.',
    pitfalls: [TROUGH_TIMING, CYP3A4, CNI_NEPHROTOXICITY],
    links: [KDIGO_2024, PROGRAF_LABEL],
  },
  'tacrolimus-trough-high': {
    summary: (f) => `${compareSummary(f)}; confirm it was a trough`,
    why: 'In LN maintenance a tacrolimus trough of 4–6 ng/mL is the target; higher exposure adds nephrotoxicity, infection and metabolic harm without added benefit. Please confirm the sample was a true trough before changing the dose.',
    pitfalls: [TROUGH_TIMING, CNI_NEPHROTOXICITY, CYP3A4],
    links: [KDIGO_2024, PROGRAF_LABEL],
  },
  'tacrolimus-trough-overdue': {
    summary: (f) => {
      const since = numberFact(f, 'daysSinceLastLevel');
      const last = since === undefined ? 'none on record' : `last ${since} days ago`;
      return `No tacrolimus level in the last ${numberFact(f, 'windowDays') ?? 90} days (${last}): order a trough`;
    },
    explain: (f) => [listFact(f, 'drawInstruction')],
    why: 'Tacrolimus has a narrow therapeutic range; in LN maintenance the trough should be checked at least every 3 months.',
    pitfalls: [TROUGH_TIMING, CYP3A4, CNI_NEPHROTOXICITY],
    links: [KDIGO_2024, PROGRAF_LABEL],
  },
  'tacrolimus-cyp3a4-interaction': {
    summary: (f) =>
      `Tacrolimus with ${listFact(f, 'interactingDrugs')}: CYP3A4 ${listFact(f, 'effect')}; recheck the trough`.slice(
        0,
        139,
      ),
    explain: (f) => [
      `Interacting drug(s): ${listFact(f, 'interactingDrugs')} — CYP3A4 ${listFact(f, 'effect')}.`,
    ],
    why: 'Strong CYP3A4 inhibitors can multiply tacrolimus exposure (toxicity); inducers can lower it below the target (flare). Recheck the trough within days of starting or stopping the interacting drug.',
    pitfalls: [CYP3A4, TROUGH_TIMING, CNI_NEPHROTOXICITY],
    links: [PROGRAF_LABEL, KDIGO_2024],
  },
  'mycophenolate-dose-low': {
    summary: compareSummary,
    why: 'KDIGO 2024: MMF 2–3 g/day (MPA 1440–2160 mg/day) in induction, 1.5–2 g/day (MPA 1080–1440 mg/day) in maintenance; lower doses with tacrolimus (multitarget).',
    pitfalls: DOSE_PITFALLS,
    links: [KDIGO_2024, CELLCEPT_LABEL, MYFORTIC_LABEL],
  },
  'mycophenolate-dose-high': {
    summary: compareSummary,
    why: 'KDIGO 2024: MMF 2–3 g/day (MPA 1440–2160 mg/day) in induction, 1.5–2 g/day (MPA 1080–1440 mg/day) in maintenance; lower doses with tacrolimus (multitarget).',
    pitfalls: DOSE_PITFALLS,
    links: [KDIGO_2024, CELLCEPT_LABEL, MYFORTIC_LABEL],
  },
  'mycophenolate-renal-dose': {
    summary: compareSummary,
    why: 'CellCept label: in severe chronic renal impairment (GFR < 25 mL/min/1.73 m²) avoid doses above 1 g twice daily (MPA 720 mg twice daily).',
    pitfalls: DOSE_PITFALLS,
    links: [CELLCEPT_LABEL, MYFORTIC_LABEL, KDIGO_2024],
  },
  'mpa-trough-low': {
    summary: compareSummary,
    why: 'Remission of LN was seen at MPA troughs of about 2 mg/L (6.2 µmol/L); a lower trough suggests under-exposure or non-adherence.',
    pitfalls: ['An MPA trough is drawn just before the morning dose.'],
    links: [KDIGO_2024],
  },
  'mpa-auc-out-of-range': {
    summary: compareSummary,
    why: 'MPA AUC0-12 of 60–90 mg·h/L is a literature target from LN cohorts, not a guideline recommendation.',
    pitfalls: ['An abbreviated AUC depends on exact sampling times after the dose.'],
    links: [KDIGO_2024],
  },
  'glucocorticoid-dose-high': {
    summary: compareSummary,
    why: 'KDIGO 2024: taper glucocorticoids to ≤ 7.5 mg/day prednisone-equivalent in maintenance (≤ 10 mg/day accepted in the multitarget regimen).',
    pitfalls: ['Prednisone-equivalents: prednisolone × 1, methylprednisolone × 1.25.', ...DOSE_PITFALLS],
    links: [KDIGO_2024],
  },
  'azathioprine-dose-high': {
    summary: compareSummary,
    why: 'Azathioprine for LN maintenance is dosed at 1.5–2 mg/kg/day; higher doses add myelotoxicity.',
    pitfalls: [
      'Check TPMT/NUDT15 status and blood counts; avoid with allopurinol/febuxostat.',
      ...DOSE_PITFALLS,
    ],
    links: [KDIGO_2024, IMURAN_LABEL],
  },
  'azathioprine-dose-low': {
    summary: compareSummary,
    why: 'Azathioprine for LN maintenance is dosed at 1.5–2 mg/kg/day; a lower dose early in therapy risks under-treatment.',
    pitfalls: ['A reduced dose may be deliberate for TPMT/NUDT15 deficiency.', ...DOSE_PITFALLS],
    links: [KDIGO_2024, IMURAN_LABEL],
  },
  overimmunosuppression: {
    summary: (f) => `Overlapping immunosuppression: ${listFact(f, 'groups')}`.slice(0, 139),
    explain: (f) => [`Current together: ${listFact(f, 'groups')} — ${listFact(f, 'reasons')}.`],
    why: 'Tacrolimus with two or more other LN immunosuppressants, two calcineurin inhibitors, or two antimetabolites (mycophenolate + azathioprine) add infection and toxicity risk without proven benefit.',
    pitfalls: [CNI_NEPHROTOXICITY, 'If this is a planned switch, make sure the previous drug is stopped.'],
    links: [KDIGO_2024],
  },
  'immunosuppression-stopped-early': {
    summary: (f) =>
      `LN immunosuppression ends after ${numberFact(f, 'monthsCompleted') ?? '?'} months; ≥ ${numberFact(f, 'recommendedMonths') ?? 36} months are recommended`,
    explain: (f) => [
      `Immunosuppression started ${listFact(f, 'therapyStart')} and ends ${listFact(f, 'plannedEnd')}: ${numberFact(f, 'monthsCompleted') ?? '?'} months completed of the recommended ≥ ${numberFact(f, 'recommendedMonths') ?? 36}.`,
    ],
    why: 'KDIGO 2024: a total duration of immunosuppression of at least 36 months is recommended for proliferative LN; stopping MMF before 2 years was linked to more flares. A repeat kidney biopsy can inform withdrawal.',
    pitfalls: ['Taper rather than stop abruptly; keep hydroxychloroquine.'],
    links: [KDIGO_2024],
  },
};
