import type { Finding, Measurement, TargetUsed } from '../rules/rule';
import type { RuleCode } from '../vocabulary/rule-codes';
import {
  AAO_HCQ_RETINOPATHY_2016,
  DRUG_LABELS,
  ESE_ES_2024,
  EULAR_2017_PREGNANCY,
  EULAR_2023_SLE,
  KDIGO_2024,
  LUPKYNIS_LABEL,
  ULORIC_LABEL,
  type CardLink,
} from './sources';

/**
 * The wording of each rule's card (clinical-rules.md §6): a summary with the patient's number and
 * the target, why the target applies, the one or two pitfalls that matter, and the sources. Each
 * thing is said once: the number and the target are in the summary and the first lines of the
 * detail, so `why` gives the reason, not the figures again (they are also a site's to change).
 */
export interface CardText {
  summary(finding: Finding): string;
  /** Finding-specific sentences for the detail (which combination, how to draw the sample …). */
  explain?(finding: Finding): readonly string[];
  why(finding: Finding): string;
  pitfalls(finding: Finding): readonly string[];
  links(finding: Finding): readonly CardLink[];
  /**
   * The rule's own override reasons (code in OVERRIDE_REASON_SYSTEM, display), when the common
   * ones ("patient-specific target", "induction phase / recent change", "already addressed") do not fit.
   */
  overrideReasons?: readonly OverrideReason[];
}

export interface OverrideReason {
  readonly code: string;
  readonly display: string;
}

/** "3.1", "< 2" — numbers as a clinician writes them. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

/** UCUM codes as a clinician reads them: mg.h/L → mg·h/L, umol/L → µmol/L, mL/min/{1.73_m2} → mL/min/1.73 m². */
export function displayUnit(unit: string): string {
  if (unit === '[lb_av]') return 'lb';
  return unit
    .replace('{1.73_m2}', '1.73 m²')
    .replace(/(^|\/)u(?=(g|mol)\/)/g, '$1µ')
    .replace(/(?<=[A-Za-z])\.(?=[A-Za-z])/g, '·');
}

export function formatMeasurement(m: Measurement): string {
  return `${m.comparator ? `${m.comparator} ` : ''}${formatNumber(m.value)} ${displayUnit(m.unit)}`;
}

/** The number as the patient's result reported it, with the converted value when converted. */
function formatReportedMeasurement(m: Measurement): string {
  if (!m.reported) return formatMeasurement(m);
  const comparator = m.comparator ? `${m.comparator} ` : '';
  return `${comparator}${formatNumber(m.reported.value)} ${displayUnit(m.reported.unit)} (= ${formatMeasurement(m)})`;
}

export function formatTarget(t: TargetUsed): string {
  const unit = displayUnit(t.unit);
  if (t.min !== undefined && t.max !== undefined) {
    return `${formatNumber(t.min)}–${formatNumber(t.max)} ${unit}`;
  }
  if (t.min !== undefined) return `≥ ${formatNumber(t.min)} ${unit}`;
  if (t.max !== undefined) return `≤ ${formatNumber(t.max)} ${unit}`;
  return unit;
}

/**
 * "Tacrolimus trough 3.1 ng/mL is below the LN maintenance target of 4–6 ng/mL"; a one-sided
 * target reads "above the LN maintenance limit of 7.5 mg/day" (the ≤ is in the detail's target).
 */
export function compareSummary(finding: Finding): string {
  const { measured, target, direction } = finding;
  if (!measured || !target) return finding.code;
  const where = direction === 'outside' ? 'outside' : direction === 'above' ? 'above' : 'below';
  const bound = target.min === undefined ? target.max : target.max === undefined ? target.min : undefined;
  const limit =
    bound === undefined ? formatTarget(target) : `${formatNumber(bound)} ${displayUnit(target.unit)}`;
  return `${measured.label} ${formatReportedMeasurement(measured)} is ${where} the ${target.label} of ${limit}`;
}

function listFact(finding: Finding, key: string): string {
  const value = finding.facts?.[key];
  return Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';
}

function numberFact(finding: Finding, key: string): number | undefined {
  const value = finding.facts?.[key];
  return typeof value === 'number' ? value : undefined;
}

/** The guideline and the labels of the products ordered (§6), without repeats. */
function sources(...links: readonly CardLink[]): readonly CardLink[] {
  return links.filter((link, i) => links.findIndex((l) => l.url === link.url) === i);
}

function productLabels(finding: Finding): readonly CardLink[] {
  return (finding.labelledProducts ?? []).map((product) => DRUG_LABELS[product]);
}

const withKdigo = (f: Finding): readonly CardLink[] => sources(KDIGO_2024, ...productLabels(f));
const kdigoOnly = (): readonly CardLink[] => [KDIGO_2024];

/** Trough timing for the product ordered: 12 h for twice-daily, about 24 h for once-daily extended release. */
function troughTiming(finding: Finding): string {
  return finding.facts?.onceDailyExtendedRelease === true
    ? 'The trough of once-daily extended-release tacrolimus is drawn about 24 h after the last dose, just before the next; an earlier or later sample misleads.'
    : 'A trough is drawn 12 h after the last dose, just before the next; an earlier or later sample misleads.';
}
const CNI_NEPHROTOXICITY =
  'Calcineurin-inhibitor nephrotoxicity: a rising creatinine with a high trough suggests drug toxicity rather than LN activity.';
const CYP3A4 =
  "Tacrolimus is a CYP3A4 substrate: azoles, macrolides and HIV protease inhibitors raise levels; rifampin, carbamazepine, phenytoin and St John's wort lower them.";
const DOSE_CHECK =
  'The dose is computed from the structured dose and frequency; check it against the written sig.';

function cyp3a4Summary(finding: Finding): string {
  return `Tacrolimus with ${listFact(finding, 'interactingDrugs')}: CYP3A4 ${listFact(finding, 'effect')}; recheck the trough`;
}

/** §5: with tacrolimus, a mycophenolate dose card fires only outside both the multitarget and full-dose ranges. */
function mycophenolateWhy(finding: Finding, side: string): string {
  if (finding.facts?.multitarget !== true) {
    return `${side} KDIGO 2024 doses induction higher than maintenance; MMF and MPA (mycophenolic acid) have separate ranges.`;
  }
  return finding.facts.phase === 'induction'
    ? `${side} With tacrolimus in induction only the induction maximum applies: multitarget induction regimens vary.`
    : `${side} With tacrolimus the record cannot tell planned multitarget therapy from tacrolimus added to full-dose mycophenolate (refractory proteinuria, class V), so the service warns only outside both ranges.`;
}

/** Wave 2 §4.7a: after a re-induction the card says when the 36-month clock restarted. */
function reInductionClause(finding: Finding): string {
  const date = finding.facts?.reInduction;
  return typeof date === 'string' ? ` counted from re-induction on ${date}` : '';
}

/**
 * Wave 2 §4.3 summary `{Drug} {d} mg/day`: one ingredient is named with its own dose ("Methylprednisolone
 * 4 mg/day"); several are stated as their prednisone-equivalent total.
 */
function glucocorticoidStopped(finding: Finding): string {
  const drug = listFact(finding, 'drug');
  const own = numberFact(finding, 'ownMgPerDay');
  if (drug !== '' && own !== undefined) return `${drug.charAt(0).toUpperCase()}${drug.slice(1)} ${formatNumber(own)} mg/day`;
  return `Glucocorticoids ${formatNumber(finding.measured?.value ?? 0)} mg/day prednisone-eq.`;
}

const MMF_RENAL_LIMIT =
  'in severe chronic renal impairment (GFR < 25 mL/min/1.73 m²) avoid doses above 1 g twice daily.';

/** Wave 2 rule 1a: "mycophenolate is active", "cyclophosphamide is ordered"; two drugs are named only. */
function teratogenSummary(finding: Finding): string {
  const names = stringsFact(finding, 'drugs');
  const [only] = names;
  const onDrug =
    names.length === 1 && only !== undefined
      ? `and ${only} is ${stringsFact(finding, 'orderedDrugs').includes(only) ? 'ordered' : 'active'}`
      : `with ${names.join(' and ')}`;
  return `Pregnancy recorded (${listFact(finding, 'pregnancyDate')}) ${onDrug}: embryofetal toxicity — switch to a pregnancy-compatible regimen`;
}

function stringsFact(finding: Finding, key: string): readonly string[] {
  const value = finding.facts?.[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function namesDrug(finding: Finding, drug: string): boolean {
  return stringsFact(finding, 'drugs').includes(drug);
}

/** clinical-rules-wave2.md 2b: the two summary templates, with and without a computed dose. */
function allopurinolSummary(finding: Finding): string {
  const mgPerDay = numberFact(finding, 'mgPerDay');
  const { measured } = finding;
  return mgPerDay === undefined || measured === undefined
    ? 'Allopurinol with azathioprine: label requires ⅓–¼ of the usual azathioprine dose (dose not checked)'
    : `Allopurinol with azathioprine ${formatNumber(mgPerDay)} mg/day (${formatNumber(measured.value)} mg/kg): label requires ⅓–¼ of the usual azathioprine dose`;
}

/** clinical-rules-wave2.md 6a: "{inhibitor} with voclosporin is contraindicated (Lupkynis label) …". */
function voclosporinSummary(finding: Finding): string {
  const names = listFact(finding, 'inhibitors');
  return `${names.charAt(0).toUpperCase()}${names.slice(1)} with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure`;
}

/**
 * §4.6: an alternative "for example azithromycin for clarithromycin" — an example, not a
 * recommendation, and only when clarithromycin is the inhibitor (for the others it would mislead).
 */
function voclosporinAlternative(finding: Finding): string {
  const inhibitors = listFact(finding, 'inhibitors').split(', ');
  return inhibitors.includes('clarithromycin')
    ? 'Choose a drug without strong CYP3A4 inhibition (for example azithromycin for clarithromycin), or hold voclosporin for the course.'
    : 'Choose a drug without strong CYP3A4 inhibition where one exists, or hold voclosporin for the course.';
}

const XANTHINE_OXIDASE =
  'Xanthine oxidase inactivates 6-mercaptopurine, the active metabolite of azathioprine: blocking it raises 6-mercaptopurine and 6-thioguanine nucleotide levels (myelotoxicity).';

/** Wave 2 §4.4 rule 4a: "voclosporin (since 2026-03-01) and tacrolimus (since 2025-01-10)". */
function cniSince(finding: Finding): string {
  const drugs = finding.facts?.drugs;
  const since = finding.facts?.since;
  if (!Array.isArray(drugs) || !Array.isArray(since)) return '';
  return drugs.map((drug, i) => `${drug} (since ${since[i] ?? '?'})`).join(' and ');
}

function kidneyCheckWhy(finding: Finding): string {
  const parts = [
    'Calcineurin inhibitors cause dose-dependent nephrotoxicity, so kidney function needs close monitoring (KDIGO 2024; the guideline summary this service follows).',
  ];
  if (finding.facts?.onVoclosporin === true) {
    parts.push('Lupkynis label: eGFR every 2 weeks for the first month, then every 4 weeks.');
  }
  if (finding.facts?.onTacrolimusOrCyclosporine === true) {
    parts.push(
      "The 90-day window for tacrolimus and cyclosporine is this service's default (a site may change it), not a guideline interval.",
    );
  }
  return parts.join(' ');
}

/** Wave 2 §4.4 rule 4b: the label's action for voclosporin by band; a default for the others. */
function egfrDeclineAction(finding: Finding): string {
  const band = finding.facts?.band;
  if (band === 'reduce') {
    return 'Lupkynis label: with eGFR < 60 mL/min/1.73 m² and a decline of more than 20 % and less than 30 % from baseline, reduce voclosporin by 7.9 mg twice daily and reassess within 2 weeks.';
  }
  if (band === 'discontinue') {
    return 'Lupkynis label: with a decline of 30 % or more from baseline, discontinue voclosporin and reassess within 2 weeks; restart at 7.9 mg twice daily only if eGFR has returned to ≥ 80 % of baseline.';
  }
  const drug = listFact(finding, 'drug');
  const level = drug === 'tacrolimus' ? 'trough' : 'level';
  return `Check the ${drug} ${level} and consider a dose reduction. The thresholds (eGFR < 60 mL/min/1.73 m² and a decline of more than 20 %) are a service default borrowed from the voclosporin (Lupkynis) label: no LN-specific label rule exists for ${drug}.`;
}

export const CARD_TEXTS: Readonly<Record<RuleCode, CardText>> = {
  'tacrolimus-trough-low': {
    summary: compareSummary,
    why: () =>
      'The target balances efficacy against nephrotoxicity; a lower trough risks under-treatment and flares.',
    pitfalls: (f) => [troughTiming(f), CYP3A4],
    links: withKdigo,
  },
  'tacrolimus-trough-high': {
    summary: (f) => `${compareSummary(f)}; confirm it was a trough`,
    why: () => 'Higher exposure adds nephrotoxicity, infection and metabolic harm without added benefit.',
    pitfalls: (f) => [troughTiming(f), CNI_NEPHROTOXICITY],
    links: withKdigo,
  },
  'tacrolimus-trough-overdue': {
    summary: (f) => {
      const since = numberFact(f, 'daysSinceLastLevel');
      const last = since === undefined ? 'none on record' : `last ${since} days ago`;
      return `No tacrolimus level in the last ${numberFact(f, 'windowDays') ?? 90} days (${last}): order a trough`;
    },
    explain: (f) => [listFact(f, 'drawInstruction')],
    why: (f) =>
      `Tacrolimus has a narrow therapeutic range. The ${numberFact(f, 'windowDays') ?? 90}-day window is this service's default (a site may change it), not a guideline interval.`,
    pitfalls: () => [CYP3A4],
    links: (f) => sources(...productLabels(f), KDIGO_2024),
  },
  'tacrolimus-cyp3a4-interaction': {
    summary: cyp3a4Summary,
    // The summary is clipped at 140 characters: the full list of drugs then goes here.
    explain: (f) =>
      cyp3a4Summary(f).length < 140 ? [] : [`Interacting drugs: ${listFact(f, 'interactingDrugs')}.`],
    why: () =>
      'Strong CYP3A4 inhibitors can multiply tacrolimus exposure (toxicity); inducers can lower it below the target (flare). Recheck the trough within days of starting or stopping the interacting drug.',
    pitfalls: (f) => [troughTiming(f)],
    links: (f) => sources(...productLabels(f), KDIGO_2024),
  },
  'mycophenolate-dose-low': {
    summary: compareSummary,
    why: (f) => mycophenolateWhy(f, 'A lower dose risks under-treatment of LN.'),
    pitfalls: () => [DOSE_CHECK],
    links: withKdigo,
  },
  'mycophenolate-dose-high': {
    summary: compareSummary,
    why: (f) => mycophenolateWhy(f, 'A higher dose adds infection and cytopenia risk.'),
    pitfalls: () => [DOSE_CHECK],
    links: withKdigo,
  },
  'mycophenolate-renal-dose': {
    summary: compareSummary,
    // The MPA maximum is the service's own conversion of the MMF limit: said so, not put on a label.
    why: (f) =>
      f.facts?.kind === 'mpa'
        ? `CellCept (MMF) label: ${MMF_RENAL_LIMIT} The MPA maximum is derived by this service from that MMF limit (720 mg MPA ≈ 1000 mg MMF).`
        : `CellCept label: ${MMF_RENAL_LIMIT}`,
    pitfalls: () => [DOSE_CHECK],
    links: (f) => sources(DRUG_LABELS.cellcept, ...productLabels(f), KDIGO_2024),
  },
  'mpa-trough-low': {
    summary: compareSummary,
    why: () =>
      'Remission of LN was seen at MPA troughs of about 2 mg/L (6.2 µmol/L); a lower trough suggests under-exposure or non-adherence.',
    pitfalls: () => ['An MPA trough is drawn just before the morning dose.'],
    links: kdigoOnly,
  },
  'mpa-auc-out-of-range': {
    summary: compareSummary,
    why: () => 'No guideline recommends an MPA AUC target: judge the result with the clinical response.',
    pitfalls: () => ['An abbreviated AUC depends on exact sampling times after the dose.'],
    links: kdigoOnly,
  },
  'glucocorticoid-dose-high': {
    summary: compareSummary,
    why: (f) =>
      f.facts?.multitarget === true
        ? 'KDIGO 2024: taper glucocorticoids in maintenance; the higher limit applies because tacrolimus and mycophenolate are both current (multitarget regimen).'
        : 'KDIGO 2024: taper glucocorticoids in maintenance; a higher limit is accepted only in the multitarget regimen (tacrolimus with mycophenolate).',
    pitfalls: () => ['Prednisone-equivalents: prednisolone × 1, methylprednisolone × 1.25.', DOSE_CHECK],
    links: kdigoOnly,
  },
  'azathioprine-dose-high': {
    summary: compareSummary,
    why: () => 'A higher dose adds myelotoxicity.',
    pitfalls: () => [
      'Check TPMT/NUDT15 status and blood counts; avoid with allopurinol/febuxostat.',
      DOSE_CHECK,
    ],
    links: withKdigo,
  },
  'azathioprine-dose-low': {
    summary: compareSummary,
    why: () => 'A lower dose early in therapy risks under-treatment.',
    pitfalls: () => ['A reduced dose may be deliberate for TPMT/NUDT15 deficiency.', DOSE_CHECK],
    links: withKdigo,
  },
  overimmunosuppression: {
    summary: (f) => `Overlapping immunosuppression: ${listFact(f, 'groups')}`,
    explain: (f) => {
      const reasons = f.facts?.reasons;
      const text = Array.isArray(reasons) ? reasons.join('; ') : '';
      return text === '' ? [] : [`${text.charAt(0).toUpperCase()}${text.slice(1)}.`];
    },
    why: () => 'Such combinations add infection and toxicity risk without proven benefit.',
    pitfalls: () => ['If this is a planned switch, make sure the previous drug is stopped.'],
    links: kdigoOnly,
  },
  'immunosuppression-stopped-early': {
    summary: (f) =>
      `LN immunosuppression ends after ${numberFact(f, 'monthsCompleted') ?? '?'} months${reInductionClause(f)}; ≥ ${numberFact(f, 'recommendedMonths') ?? 36} months are recommended`,
    // Wave 2 §5.3: with a pregnancy recorded, continuing mycophenolate is not the advice.
    why: (f) =>
      f.facts?.pregnancyRecorded === true
        ? `KDIGO 2024: a total duration of immunosuppression of at least 36 months is recommended for proliferative LN. Pregnancy is recorded (${listFact(f, 'pregnancyDate')}): rather than stopping, switch to a pregnancy-compatible agent (azathioprine, tacrolimus).`
        : 'KDIGO 2024: a total duration of immunosuppression of at least 36 months is recommended for proliferative LN; stopping MMF before 2 years was linked to more flares. A repeat kidney biopsy can inform withdrawal.',
    pitfalls: () => ['Taper rather than stop abruptly; keep hydroxychloroquine.'],
    links: kdigoOnly,
  },
  'glucocorticoid-abrupt-stop': {
    summary: (f) =>
      `${glucocorticoidStopped(f)} stopped after ${listFact(f, 'runLength')} without a taper: risk of adrenal insufficiency and flare-like withdrawal`,
    explain: (f) => [
      `Continuous glucocorticoid therapy since ${listFact(f, 'runStart')} (${listFact(f, 'runLength')})${
        typeof f.facts?.endsOn === 'string' ? `, ending on ${f.facts.endsOn} with the draft order` : ', stopped by the draft order'
      }; no glucocorticoid continues after it.`,
    ],
    // The two thresholds are a site's to change: said as this service's defaults, with where they come from.
    why: (f) =>
      `A stop at ≥ ${numberFact(f, 'minMgPerDay') ?? 5} mg/day prednisone-equivalent after ≥ ${numberFact(f, 'minRunDays') ?? 28} days needs a taper (this service's defaults). ESE/ES 2024: adrenal insufficiency is a risk after 3–4 weeks above the physiological 4–6 mg prednisone; taper to about the physiological dose, then slowly; consider a morning cortisol before stopping, and teach sick-day rules. The LN maintenance guideline summary this service follows: reduce low-dose prednisone by 1 mg every 2 months after ≥ 2 years at 5–7.5 mg; abrupt withdrawal after years of use may cause withdrawal symptoms that mimic flares. KDIGO 2024: stop glucocorticoids only in stable, quiescent disease with close monitoring.`,
    pitfalls: () => [
      'A taper ordered separately, by another prescriber or only as free text is not visible to this service.',
      'Prednisone-equivalents: prednisolone × 1, methylprednisolone × 1.25; hydrocortisone and dexamethasone keep the patient covered but are not counted in the dose.',
    ],
    links: () => [ESE_ES_2024, KDIGO_2024],
    overrideReasons: [
      { code: 'taper-ordered-separately', display: 'taper ordered separately / by another prescriber' },
      { code: 'hpa-axis-assessed', display: 'HPA axis assessed — safe to stop' },
      {
        code: 'switching-glucocorticoid',
        display: 'switching to another glucocorticoid or hydrocortisone replacement',
      },
      { code: 'adverse-effect-immediate-stop', display: 'adverse effect requires immediate stop' },
    ],
  },
  'pregnancy-teratogenic-drug': {
    summary: teratogenSummary,
    explain: (f) => [
      ...(f.facts?.conflicting === true
        ? ['Conflicting results: negative evidence carries the same date as the latest positive evidence; the pregnancy is treated as recorded until this is clarified.']
        : []),
      ...(namesDrug(f, 'mycophenolate')
        ? ['Mycophenolate: boxed warning — use in pregnancy is associated with first-trimester pregnancy loss and congenital malformations (Mycophenolate REMS).']
        : []),
      ...(namesDrug(f, 'cyclophosphamide') ? ['Cyclophosphamide: the label warns that it can cause fetal harm.'] : []),
    ],
    why: (f) =>
      `Pregnancy-compatible LN treatment (KDIGO 2024; EULAR 2017 and 2023): azathioprine, tacrolimus or cyclosporine, hydroxychloroquine (continue it), low-dose prednisone; mycophenolate should be stopped at least 6 weeks before conception. The replacement and its dose are the nephrologist's choice: nothing is substituted automatically.${
        namesDrug(f, 'mycophenolate') ? ' Report the exposure to the pregnancy registry of the Mycophenolate REMS.' : ''
      }`,
    pitfalls: (f) => [
      `The record may show a pregnancy that has ended (delivery, loss) without being updated: evidence counts for ${numberFact(f, 'windowDays') ?? 294} days. If so, override with "pregnancy has ended / record out of date" and update the record.`,
    ],
    links: (f) => sources(...productLabels(f), KDIGO_2024, EULAR_2017_PREGNANCY, EULAR_2023_SLE),
    overrideReasons: [
      { code: 'pregnancy-ended', display: 'pregnancy has ended / record out of date' },
      { code: 'pregnancy-entered-in-error', display: 'not pregnant — evidence entered in error' },
      {
        code: 'benefit-outweighs-risk',
        display: 'benefit outweighs risk — decided with patient and obstetrics',
      },
    ],
  },
  'mycophenolate-pregnancy-test-missing': {
    summary: (f) =>
      `Starting mycophenolate: no pregnancy test in the last ${numberFact(f, 'testWindowDays') ?? 7} days (label: test immediately before starting and 8–10 days later)`,
    why: () =>
      'CellCept and Myfortic labels (8.3) and the Mycophenolate REMS: a female of reproductive potential needs a negative pregnancy test immediately before starting mycophenolate and another 8–10 days later, and contraception counselling; mycophenolate in pregnancy causes first-trimester loss and congenital malformations.',
    pitfalls: (f) => [
      `The ${numberFact(f, 'ageMin') ?? 12}–${numberFact(f, 'ageMax') ?? 50}-year age band is this service's default proxy for reproductive potential: it cannot see menopause, hysterectomy or contraception.`,
      'A test done elsewhere is not visible here; the second test, 8–10 days after starting, is not checked by this service.',
    ],
    // The label of the product drafted; a mycophenolate of unknown kind (MMF or MPA): both labels.
    links: (f) => {
      const labels = productLabels(f);
      return labels.length > 0 ? sources(...labels) : [DRUG_LABELS.cellcept, DRUG_LABELS.myfortic];
    },
    overrideReasons: [
      { code: 'not-of-reproductive-potential', display: 'not of reproductive potential' },
      { code: 'test-done-elsewhere', display: 'test done elsewhere' },
    ],
  },
  'azathioprine-febuxostat': {
    summary: () =>
      'Febuxostat with azathioprine is contraindicated (febuxostat label): risk of severe myelotoxicity',
    explain: () => [
      'Options: stop febuxostat (choose a urate-lowering alternative with rheumatology) or change the LN agent; check a blood count.',
    ],
    why: () =>
      `${XANTHINE_OXIDASE} Febuxostat (Uloric) label, §4 Contraindications and §7 Drug Interactions: contraindicated with azathioprine. Imuran label, Drug Interactions: use with febuxostat is not recommended.`,
    pitfalls: () => [
      'Allopurinol is no interaction-free substitute: with it azathioprine must be cut to ⅓–¼ of the usual dose (Imuran label).',
    ],
    links: (f) => sources(ULORIC_LABEL, ...productLabels(f)),
    overrideReasons: [
      {
        code: 'specialist-supervised-with-cbc',
        display: 'specialist-supervised combination with CBC monitoring',
      },
      { code: 'one-of-the-two-stopped', display: 'one of the two has been stopped' },
    ],
  },
  'azathioprine-allopurinol': {
    summary: allopurinolSummary,
    explain: (f) => {
      const why = f.facts?.doseNotChecked;
      return typeof why === 'string' ? [`The azathioprine dose was not checked: ${why}.`] : [];
    },
    why: () =>
      `Imuran label, Drug Interactions: with allopurinol, azathioprine is reduced to one-third or one-quarter of the usual dose, with close blood-count monitoring. ${XANTHINE_OXIDASE} The limit per kg is derived by this service from that fraction, not a label figure.`,
    pitfalls: (f) => [
      'Febuxostat is no alternative: it is contraindicated with azathioprine.',
      ...(f.dose === undefined ? [] : [DOSE_CHECK]),
    ],
    links: (f) => sources(...productLabels(f), KDIGO_2024),
    overrideReasons: [
      { code: 'dose-already-adjusted', display: 'dose already adjusted by nephrology/rheumatology' },
      { code: 'allopurinol-being-stopped', display: 'allopurinol being stopped' },
    ],
  },
  'voclosporin-strong-cyp3a4-inhibitor': {
    summary: voclosporinSummary,
    // The summary is clipped at 140 characters: the full list of drugs then goes here.
    explain: (f) => [
      ...(voclosporinSummary(f).length < 140
        ? []
        : [`Strong CYP3A4 inhibitors: ${listFact(f, 'inhibitors')}.`]),
      voclosporinAlternative(f),
    ],
    why: () =>
      'Lupkynis label, §4 Contraindications and §7 Drug Interactions: strong CYP3A4 inhibitors are contraindicated with voclosporin; they raise its exposure and with it the risk of its adverse reactions.',
    pitfalls: () => [
      'Moderate CYP3A4 inhibitors (diltiazem, verapamil, fluconazole …) are not checked by this service; the Lupkynis label reduces the voclosporin dose with them.',
    ],
    links: () => [LUPKYNIS_LABEL],
    overrideReasons: [{ code: 'voclosporin-held', display: 'voclosporin held during the course' }],
  },
  'cni-kidney-function-overdue': {
    summary: (f) =>
      `No eGFR or creatinine in the last ${numberFact(f, 'windowDays') ?? '?'} days on ${cniSince(f)}: kidney function check due`,
    why: kidneyCheckWhy,
    pitfalls: () => [
      'Close monitoring on a calcineurin inhibitor also means blood pressure and electrolytes (potassium, magnesium).',
      'A result from an outside laboratory that is not in this record does not count here.',
    ],
    links: (f) => sources(...productLabels(f), KDIGO_2024),
    overrideReasons: [
      { code: 'checked-at-outside-laboratory', display: 'checked at an outside laboratory' },
      { code: 'patient-specific-monitoring-plan', display: 'patient-specific monitoring plan' },
    ],
  },
  'cni-egfr-decline': {
    summary: (f) =>
      `eGFR ${formatNumber(numberFact(f, 'current') ?? 0)} is ${formatNumber(numberFact(f, 'declinePercent') ?? 0)} % below the pre-${listFact(f, 'drug')} baseline of ${formatNumber(numberFact(f, 'baseline') ?? 0)} (${listFact(f, 'baselineDate')}): possible CNI nephrotoxicity`,
    explain: (f) => [
      `eGFR ${formatNumber(numberFact(f, 'current') ?? 0)} mL/min/1.73 m² on ${listFact(f, 'currentDate')} against a baseline of ${formatNumber(numberFact(f, 'baseline') ?? 0)} mL/min/1.73 m² on ${listFact(f, 'baselineDate')}, the latest eGFR in the 90 days before ${listFact(f, 'drug')} was first started.`,
      egfrDeclineAction(f),
    ],
    why: () =>
      'Calcineurin inhibitors cause dose-dependent nephrotoxicity; pre-existing kidney damage adds to the risk (KDIGO 2024; the guideline summary this service follows).',
    pitfalls: () => [
      'Other causes of a falling eGFR: LN flare, volume depletion, NSAIDs or other nephrotoxins. Repeat the eGFR within 2 weeks before acting on one value.',
    ],
    links: (f) => sources(KDIGO_2024, ...productLabels(f), DRUG_LABELS.lupkynis),
    overrideReasons: [
      { code: 'decline-explained-otherwise', display: 'decline explained by LN activity / other cause' },
      { code: 'patient-specific-target', display: 'patient-specific target set by nephrology' },
    ],
  },
  'hydroxychloroquine-not-prescribed': {
    summary: () =>
      'No active hydroxychloroquine order: KDIGO 2024 recommends HCQ for all patients with LN unless contraindicated',
    explain: () => [
      'This record has no active hydroxychloroquine or other antimalarial order, and no recorded allergy, intolerance or antimalarial retinal toxicity. It only means "no order in this record": hydroxychloroquine prescribed elsewhere (another EHR, patient-reported) is not visible here.',
    ],
    why: () =>
      'KDIGO 2024 recommends that patients with LN be treated with hydroxychloroquine or an equivalent antimalarial unless contraindicated (1C); EULAR 2023 recommends hydroxychloroquine for all patients with SLE unless contraindicated.',
    pitfalls: () => [
      'Dose ≤ 5 mg/kg/day of actual body weight, with a baseline retinal examination (AAO 2016).',
      'Reduced kidney function raises the risk of retinal toxicity (AAO 2016): a lower dose is usual with eGFR < 30 mL/min/1.73 m².',
    ],
    links: () => [KDIGO_2024, EULAR_2023_SLE, AAO_HCQ_RETINOPATHY_2016],
    overrideReasons: [
      { code: 'prescribed-elsewhere', display: 'prescribed elsewhere' },
      {
        code: 'contraindicated-or-not-tolerated',
        display: 'contraindicated / not tolerated (will record it)',
      },
      { code: 'patient-declines', display: 'patient declines' },
    ],
  },
};
