import type { CdsCard, CdsLink } from '../../src/logic/cards/cards';
import { RULE_CODES, type RuleCode } from '../../src/logic/vocabulary/rule-codes';
import { LOINC, PRODUCT, cardOf, draftOf, lab, prescription, type Situation } from './support/card-scenarios';

/**
 * The whole card of every rule, as a clinician reads it (clinical-rules.md §6): summary, detail,
 * indicator, source, links, override reasons, and suggestions with their label and resource. The
 * expected cards are written out so that a change of wording shows in review and cannot drift.
 */

const detail = (...lines: string[]): string => lines.join('\n');

const source = (code: string, display: string): CdsCard['source'] => ({
  label: 'LN maintenance immunosuppression (ln-cds-hooks)',
  topic: { system: 'urn:ln-cds-hooks:rule', code, display },
});

const OVERRIDES = [
  {
    system: 'urn:ln-cds-hooks:override-reason',
    code: 'patient-specific-target',
    display: 'patient-specific target set by nephrology',
  },
  {
    system: 'urn:ln-cds-hooks:override-reason',
    code: 'induction-or-recent-change',
    display: 'induction phase / recent change',
  },
  { system: 'urn:ln-cds-hooks:override-reason', code: 'already-addressed', display: 'already addressed' },
];

const KDIGO: CdsLink = {
  label: 'KDIGO 2024 Clinical Practice Guideline for the Management of Lupus Nephritis',
  url: 'https://doi.org/10.1016/j.kint.2023.09.002',
  type: 'absolute',
};
const PROGRAF_LABEL: CdsLink = {
  label: 'Prograf (tacrolimus) prescribing information (DailyMed search)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Prograf',
  type: 'absolute',
};
const ENVARSUS_LABEL: CdsLink = {
  label: 'Envarsus XR (tacrolimus extended-release tablets) prescribing information (DailyMed)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=de2315b0-6344-43ac-9aea-3e3b68d828e7',
  type: 'absolute',
};
const ASTAGRAF_LABEL: CdsLink = {
  label: 'Astagraf XL (tacrolimus extended-release capsules) prescribing information (DailyMed search)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Astagraf%20XL',
  type: 'absolute',
};
const CELLCEPT_LABEL: CdsLink = {
  label: 'CellCept (mycophenolate mofetil) prescribing information (DailyMed)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=37241e87-4af4-4dc3-a1aa-ea6f20d8dc40',
  type: 'absolute',
};
const MYFORTIC_LABEL: CdsLink = {
  label: 'Myfortic (mycophenolic acid) prescribing information (DailyMed search)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Myfortic',
  type: 'absolute',
};
const IMURAN_LABEL: CdsLink = {
  label: 'Imuran (azathioprine) prescribing information (DailyMed search)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Imuran',
  type: 'absolute',
};

const TROUGH_12H =
  'A trough is drawn 12 h after the last dose, just before the next; an earlier or later sample misleads.';
const CYP3A4 =
  "Tacrolimus is a CYP3A4 substrate: azoles, macrolides and HIV protease inhibitors raise levels; rifampin, carbamazepine, phenytoin and St John's wort lower them.";
const DOSE_CHECK =
  'The dose is computed from the structured dose and frequency; check it against the written sig.';

const BID = {
  code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'BID' }] },
};
const QD = {
  code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'QD' }] },
};
const UCUM = 'http://unitsofmeasure.org';

/** The draft as the EHR sent it, with the one dosage the suggestion writes. */
function rewritten(draft: fhir4.MedicationRequest, dosage: fhir4.Dosage): fhir4.MedicationRequest {
  return { ...draft, dosageInstruction: [dosage] };
}

const tacrolimus = prescription({
  id: 'tac',
  ...PRODUCT.tacrolimus1cap,
  dose: [1, '{capsule}'],
  timing: 'BID',
  sig: '1 capsule twice daily',
});
const tacrolimusLevelOnTarget = lab('level', LOINC.tacrolimusTrough, 5, 'ng/mL', '2026-05-20T08:00:00Z');
const mmf1gBid = prescription({
  id: 'mmf',
  ...PRODUCT.mmf500tab,
  dose: [2, '{tbl}'],
  timing: 'BID',
  sig: '2 tablets twice daily',
});

/** A situation and the whole card the service must return for it. */
interface WholeCard {
  readonly scenario: string;
  readonly situation: Situation;
  readonly card: CdsCard;
}

/** The draw instruction for once-daily extended-release tacrolimus, on the card and in the order. */
const ER_TROUGH_DRAW =
  'Draw as a trough about 24 h after the last dose of once-daily extended-release tacrolimus, before the next dose.';

const mmfCapsuleDraft = draftOf({
  id: 'mmf-draft',
  ...PRODUCT.mmf250cap,
  dose: [1, '{capsule}'],
  timing: 'BID',
  sig: '1 capsule twice daily',
});

const myforticDraft = draftOf({
  id: 'mpa-draft',
  ...PRODUCT.myfortic360tab,
  dose: [3, '{tbl}'],
  timing: 'BID',
  sig: '3 tablets twice daily',
});

const prednisoneDraft = draftOf({
  id: 'pred',
  ...PRODUCT.prednisone5tab,
  dose: [3, '{tbl}'],
  timing: 'QD',
  sig: '3 tablets once daily',
});

const azathioprineDraft = draftOf({
  id: 'aza',
  ...PRODUCT.aza50tab,
  dose: [1, '{tbl}'],
  timing: 'QD',
  sig: '1 tablet once daily',
});

/** MMF 1 g twice daily, started 2025-04-01 and stopped by a draft now (month 14). */
const stoppedMmf = {
  ...PRODUCT.mmf500tab,
  dose: [2, '{tbl}'],
  timing: 'BID',
  sig: '2 tablets twice daily',
} as const;

const troughOrder: fhir4.ServiceRequest = {
  resourceType: 'ServiceRequest',
  status: 'draft',
  intent: 'order',
  category: [
    {
      coding: [
        {
          system: 'http://snomed.info/sct',
          code: '108252007',
          display: 'Laboratory procedure',
        },
      ],
    },
  ],
  code: {
    coding: [
      {
        system: 'http://loinc.org',
        code: '77348-1',
        display: 'Tacrolimus [Mass/volume] in Blood --trough',
      },
    ],
    text: 'Tacrolimus trough level',
  },
  subject: { reference: 'Patient/pt' },
  authoredOn: '2026-06-01T09:00:00.000Z',
  note: [{ text: ER_TROUGH_DRAW }],
};

/** Voclosporin has no RxCUI (clinical-rules-wave2.md §1.1): named only, as the EHR writes it. */
const LUPKYNIS = 'voclosporin 7.9 MG Oral Capsule [Lupkynis]';
const voclosporinSince = (id: string, start: string): fhir4.MedicationRequest => ({
  ...prescription({
    id,
    rxnorm: '-',
    name: LUPKYNIS,
    dose: [23.7, 'mg'],
    timing: 'BID',
    sig: '23.7 mg twice daily',
    start,
  }),
  medicationCodeableConcept: { text: LUPKYNIS },
});
const voclosporinDraft: fhir4.MedicationRequest = {
  ...voclosporinSince('vcs-draft', '2026-06-01T09:00:00.000Z'),
  status: 'draft',
};
const LUPKYNIS_LABEL: CdsLink = {
  label: 'Lupkynis (voclosporin) label',
  url: 'https://www.accessdata.fda.gov/drugsatfda_docs/label/2025/213716s008lbl.pdf',
  type: 'absolute',
};
const egfrResult = (id: string, value: number, date: string) =>
  lab(id, LOINC.egfr, value, 'mL/min/{1.73_m2}', date);

/** Serum creatinine with eGFR (LOINC 2160-0), the kidney-function order of wave 2 §1.3. */
const creatinineOrder: fhir4.ServiceRequest = {
  resourceType: 'ServiceRequest',
  status: 'draft',
  intent: 'order',
  category: [
    { coding: [{ system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' }] },
  ],
  code: {
    coding: [
      { system: 'http://loinc.org', code: '2160-0', display: 'Creatinine [Mass/volume] in Serum or Plasma' },
    ],
    text: 'Serum creatinine with eGFR',
  },
  subject: { reference: 'Patient/pt' },
  authoredOn: '2026-06-01T09:00:00.000Z',
};

const ruleOverride = (code: string, display: string) => ({
  system: 'urn:ln-cds-hooks:override-reason',
  code,
  display,
});

/** Keyed by rule code: a rule without its whole-card case does not compile. */
const WHOLE_CARDS: Readonly<Record<RuleCode, WholeCard>> = {
  'tacrolimus-trough-low': {
    scenario: 'a trough of 3.1 ng/mL on generic tacrolimus capsules',
    situation: {
      orders: [tacrolimus],
      results: [lab('trough', LOINC.tacrolimusTrough, 3.1, 'ng/mL', '2026-05-20T08:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'Tacrolimus trough 3.1 ng/mL is below the LN maintenance target of 4–6 ng/mL',
      detail: detail(
        '**Tacrolimus trough:** 3.1 ng/mL on 2026-05-20',
        '',
        '**Target:** LN maintenance target: 4–6 ng/mL (KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance).',
        '',
        'The target balances efficacy against nephrotoxicity; a lower trough risks under-treatment and flares.',
        '',
        '**Evidence used**',
        '- tacrolimus 1 MG Oral Capsule — order (active): 1 × 1 mg capsule twice daily (2025-01-10)',
        '- LN immunosuppression started: maintenance phase (2025-01-10)',
        '',
        '**Pitfalls**',
        `- ${TROUGH_12H}`,
        `- ${CYP3A4}`,
      ),
      indicator: 'warning',
      source: source('tacrolimus-trough-low', 'Tacrolimus trough below the LN maintenance target'),
      overrideReasons: OVERRIDES,
      links: [KDIGO, PROGRAF_LABEL],
    },
  },
  'tacrolimus-trough-high': {
    scenario: '9 nmol/L on once-daily Envarsus XR (24 h trough, its own label)',
    situation: {
      orders: [
        prescription({
          id: 'env',
          ...PRODUCT.envarsus1tab,
          dose: [4, '{tbl}'],
          timing: 'QD',
          sig: '4 tablets once daily',
        }),
      ],
      results: [lab('trough', LOINC.tacrolimusTrough, 9, 'nmol/L', '2026-05-30T08:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Tacrolimus trough 9 nmol/L (= 7.24 ng/mL) is above the LN maintenance target of 4–6 ng/mL; confirm it was a trough',
      detail: detail(
        '**Tacrolimus trough:** 7.24 ng/mL (reported as 9 nmol/L) on 2026-05-30',
        '',
        '**Target:** LN maintenance target: 4–6 ng/mL (KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance).',
        '',
        'Higher exposure adds nephrotoxicity, infection and metabolic harm without added benefit.',
        '',
        '**Evidence used**',
        '- Envarsus XR 1 MG Extended Release Oral Tablet — order (active): 4 × 1 mg tablets once daily (2025-01-10)',
        '- LN immunosuppression started: maintenance phase (2025-01-10)',
        '',
        '**Pitfalls**',
        '- The trough of once-daily extended-release tacrolimus is drawn about 24 h after the last dose, just before the next; an earlier or later sample misleads.',
        '- Calcineurin-inhibitor nephrotoxicity: a rising creatinine with a high trough suggests drug toxicity rather than LN activity.',
      ),
      indicator: 'warning',
      source: source('tacrolimus-trough-high', 'Tacrolimus trough above the LN maintenance target'),
      overrideReasons: [
        ...OVERRIDES,
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'not-a-trough-sample',
          display: 'sample was not a trough',
        },
      ],
      links: [KDIGO, ENVARSUS_LABEL],
    },
  },
  'tacrolimus-trough-overdue': {
    scenario: 'Astagraf XL for 17 months and never a level, ordering something else',
    situation: {
      hook: 'order-select',
      orders: [
        prescription({
          id: 'ast',
          ...PRODUCT.astagraf1cap,
          dose: [3, '{capsule}'],
          timing: 'QD',
          sig: '3 capsules once daily',
        }),
      ],
      drafts: [
        draftOf({
          id: 'bp',
          rxnorm: '17767',
          name: 'amlodipine 5 MG Oral Tablet',
          dose: [1, '{tbl}'],
          timing: 'QD',
          sig: '1 tablet once daily',
        }),
      ],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'No tacrolimus level in the last 90 days (none on record): order a trough',
      detail: detail(
        ER_TROUGH_DRAW,
        '',
        "Tacrolimus has a narrow therapeutic range. The 90-day window is this service's default (a site may change it), not a guideline interval.",
        '',
        '**Evidence used**',
        '- Tacrolimus first started (2025-01-10)',
        '- Last tacrolimus level: none on record',
        '- Astagraf XL 1 MG Extended Release Oral Capsule — order (active): 3 × 1 mg capsules once daily (2025-01-10)',
        '',
        '**Pitfalls**',
        `- ${CYP3A4}`,
      ),
      indicator: 'info',
      source: source('tacrolimus-trough-overdue', 'Tacrolimus trough level overdue'),
      suggestions: [
        {
          label: 'Order a tacrolimus trough level',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'create',
              description: 'Tacrolimus trough (LOINC 77348-1)',
              resource: troughOrder,
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: OVERRIDES,
      links: [ASTAGRAF_LABEL, KDIGO],
    },
  },
  'tacrolimus-cyp3a4-interaction': {
    scenario: 'clarithromycin drafted for a patient on Prograf',
    situation: {
      hook: 'order-select',
      orders: [
        prescription({
          id: 'prog',
          ...PRODUCT.prograf1cap,
          dose: [1, '{capsule}'],
          timing: 'BID',
          sig: '1 capsule twice daily',
        }),
      ],
      drafts: [
        draftOf({
          id: 'clari',
          ...PRODUCT.clarithromycin,
          dose: [500, 'mg'],
          timing: 'BID',
          sig: '500 mg twice daily',
        }),
      ],
      results: [tacrolimusLevelOnTarget],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Tacrolimus with clarithromycin: CYP3A4 inhibition raises tacrolimus levels; recheck the trough',
      detail: detail(
        'Strong CYP3A4 inhibitors can multiply tacrolimus exposure (toxicity); inducers can lower it below the target (flare). Recheck the trough within days of starting or stopping the interacting drug.',
        '',
        '**Evidence used**',
        '- clarithromycin 500 MG Oral Tablet — draft order: 500 mg twice daily (2026-06-01)',
        '- Prograf 1 MG Oral Capsule — order (active): 1 × 1 mg capsule twice daily (2025-01-10)',
        '',
        '**Pitfalls**',
        `- ${TROUGH_12H}`,
      ),
      indicator: 'warning',
      source: source('tacrolimus-cyp3a4-interaction', 'Tacrolimus with a strong CYP3A4 inhibitor or inducer'),
      overrideReasons: OVERRIDES,
      links: [PROGRAF_LABEL, KDIGO],
    },
  },
  'mycophenolate-dose-low': {
    scenario: 'a draft of MMF 250 mg capsules, 1 twice daily, in maintenance',
    situation: { orders: [mmf1gBid], drafts: [mmfCapsuleDraft] },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Mycophenolate mofetil daily dose 500 mg/day is below the MMF maintenance range of 1500–2000 mg/day',
      detail: detail(
        '**Mycophenolate mofetil daily dose:** 500 mg/day — 1 × 250 mg capsule twice daily',
        '',
        '**Target:** MMF maintenance range: 1500–2000 mg/day (KDIGO 2024 LN guideline).',
        '',
        'A lower dose risks under-treatment of LN. KDIGO 2024 doses induction higher than maintenance; MMF and MPA (mycophenolic acid) have separate ranges.',
        '',
        '**Evidence used**',
        '- mycophenolate mofetil 250 MG Oral Capsule — draft order (2026-06-01)',
        '- LN immunosuppression started: maintenance phase (2025-01-10)',
        '',
        '**Pitfalls**',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('mycophenolate-dose-low', 'Mycophenolate daily dose below the LN range'),
      suggestions: [
        {
          label: 'Change to 3 × 250 mg capsules twice daily (1500 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              description: 'Rewrite the draft order to an in-range daily dose',
              resource: rewritten(mmfCapsuleDraft, {
                text: '3 capsules (750 mg) twice daily',
                timing: BID,
                doseAndRate: [
                  { doseQuantity: { value: 3, unit: '{capsule}', system: UCUM, code: '{capsule}' } },
                ],
              }),
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: OVERRIDES,
      links: [KDIGO, CELLCEPT_LABEL],
    },
  },
  'mycophenolate-dose-high': {
    scenario: 'Myfortic 3 × 360 mg twice daily with tacrolimus, above both ranges',
    situation: {
      orders: [
        tacrolimus,
        prescription({
          id: 'mpa',
          ...PRODUCT.myfortic360tab,
          dose: [3, '{tbl}'],
          timing: 'BID',
          sig: '3 tablets twice daily',
        }),
      ],
      results: [tacrolimusLevelOnTarget],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Mycophenolic acid daily dose 2160 mg/day is above the MPA multitarget (360–540) and full-dose (1080–1440) ranges of 360–1440 mg/day',
      detail: detail(
        '**Mycophenolic acid daily dose:** 2160 mg/day — 3 × 360 mg tablets twice daily',
        '',
        '**Target:** MPA multitarget (360–540) and full-dose (1080–1440) ranges: 360–1440 mg/day (KDIGO 2024 LN guideline).',
        '',
        'A higher dose adds infection and cytopenia risk. With tacrolimus the record cannot tell planned multitarget therapy from tacrolimus added to full-dose mycophenolate (refractory proteinuria, class V), so the service warns only outside both ranges.',
        '',
        '**Evidence used**',
        '- Myfortic 360 MG Delayed Release Oral Tablet — order (active) (2025-01-10)',
        '- tacrolimus 1 MG Oral Capsule — order (active): 1 × 1 mg capsule twice daily (2025-01-10)',
        '- LN immunosuppression started: maintenance phase (2025-01-10)',
        '',
        '**Pitfalls**',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('mycophenolate-dose-high', 'Mycophenolate daily dose above the LN range'),
      overrideReasons: OVERRIDES,
      links: [KDIGO, MYFORTIC_LABEL],
    },
  },
  'mycophenolate-renal-dose': {
    scenario: 'a Myfortic draft of 2160 mg/day in induction at an eGFR of 18 (derived MPA maximum)',
    situation: {
      orders: [
        prescription({
          id: 'mpa',
          ...PRODUCT.myfortic360tab,
          dose: [2, '{tbl}'],
          timing: 'BID',
          sig: '2 tablets twice daily',
          start: '2026-03-02',
        }),
      ],
      drafts: [myforticDraft],
      results: [lab('egfr', LOINC.egfr, 18, 'mL/min/{1.73_m2}', '2026-05-20T08:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Mycophenolic acid daily dose 2160 mg/day is above the maximum at eGFR 18 (< 25) of 1440 mg/day',
      detail: detail(
        '**Mycophenolic acid daily dose:** 2160 mg/day — 3 × 360 mg tablets twice daily',
        '',
        '**Target:** maximum at eGFR 18 (\\< 25): ≤ 1440 mg/day (derived by this service from the CellCept MMF limit).',
        '',
        'CellCept (MMF) label: in severe chronic renal impairment (GFR < 25 mL/min/1.73 m²) avoid doses above 1 g twice daily. The MPA maximum is derived by this service from that MMF limit (720 mg MPA ≈ 1000 mg MMF).',
        '',
        '**Evidence used**',
        '- Latest eGFR: 18 mL/min/1.73 m² (2026-05-20)',
        '- Myfortic 360 MG Delayed Release Oral Tablet — draft order (2026-06-01)',
        '',
        '**Pitfalls**',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('mycophenolate-renal-dose', 'Mycophenolate dose too high for severe renal impairment'),
      suggestions: [
        {
          label: 'Change to 2 × 360 mg tablets twice daily (1440 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              description: 'Rewrite the draft order to an in-range daily dose',
              resource: rewritten(myforticDraft, {
                text: '2 tablets (720 mg) twice daily',
                timing: BID,
                doseAndRate: [{ doseQuantity: { value: 2, unit: '{tbl}', system: UCUM, code: '{tbl}' } }],
              }),
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: OVERRIDES,
      links: [CELLCEPT_LABEL, MYFORTIC_LABEL, KDIGO],
    },
  },
  'mpa-trough-low': {
    scenario: 'an MPA trough reported as 4.5 µmol/L (1.44 mg/L) on MMF 1 g twice daily',
    situation: {
      orders: [mmf1gBid],
      results: [lab('mpa', LOINC.mpaTrough, 4.5, 'umol/L', '2026-05-12T07:30:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'MPA trough 4.5 µmol/L (= 1.44 mg/L) is below the level linked to remission of 2 mg/L',
      detail: detail(
        '**MPA trough:** 1.44 mg/L (reported as 4.5 µmol/L) on 2026-05-12',
        '',
        '**Target:** level linked to remission: ≥ 2 mg/L (LN cohort data).',
        '',
        'Remission of LN was seen at MPA troughs of about 2 mg/L (6.2 µmol/L); a lower trough suggests under-exposure or non-adherence.',
        '',
        '**Evidence used**',
        '- mycophenolate mofetil 500 MG Oral Tablet — order (active): 2 × 500 mg tablets twice daily (2025-01-10)',
        '- LN immunosuppression started: maintenance phase (2025-01-10)',
        '',
        '**Pitfalls**',
        '- An MPA trough is drawn just before the morning dose.',
      ),
      indicator: 'info',
      source: source('mpa-trough-low', 'MPA trough below the level linked to remission'),
      overrideReasons: OVERRIDES,
      links: [KDIGO],
    },
  },
  'mpa-auc-out-of-range': {
    scenario: 'an MPA AUC0-12 of 45 mg·h/L, judged against a literature target',
    situation: {
      orders: [mmf1gBid],
      results: [lab('auc', LOINC.mpaAuc, 45, 'mg.h/L', '2026-05-12T12:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'MPA AUC0-12 45 mg·h/L is below the literature target (not a guideline) of 60–90 mg·h/L',
      detail: detail(
        '**MPA AUC0-12:** 45 mg·h/L on 2026-05-12',
        '',
        '**Target:** literature target (not a guideline): 60–90 mg·h/L (LN cohort studies).',
        '',
        'No guideline recommends an MPA AUC target: judge the result with the clinical response.',
        '',
        '**Evidence used**',
        '- mycophenolate mofetil 500 MG Oral Tablet — order (active): 2 × 500 mg tablets twice daily (2025-01-10)',
        '',
        '**Pitfalls**',
        '- An abbreviated AUC depends on exact sampling times after the dose.',
      ),
      indicator: 'info',
      source: source('mpa-auc-out-of-range', 'MPA AUC0-12 outside the literature target'),
      overrideReasons: OVERRIDES,
      links: [KDIGO],
    },
  },
  'glucocorticoid-dose-high': {
    scenario: 'a prednisone draft of 3 × 5 mg tablets once daily in maintenance',
    situation: { orders: [mmf1gBid], drafts: [prednisoneDraft] },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'Prednisone-equivalent daily dose 15 mg/day is above the LN maintenance limit of 7.5 mg/day',
      detail: detail(
        '**Prednisone-equivalent daily dose:** 15 mg/day — 3 × 5 mg tablets once daily',
        '',
        '**Target:** LN maintenance limit: ≤ 7.5 mg/day (KDIGO 2024 LN guideline).',
        '',
        'KDIGO 2024: taper glucocorticoids in maintenance; a higher limit is accepted only in the multitarget regimen (tacrolimus with mycophenolate).',
        '',
        '**Evidence used**',
        '- prednisone 5 MG Oral Tablet — draft order (2026-06-01)',
        '- LN immunosuppression started: maintenance phase (2025-01-10)',
        '',
        '**Pitfalls**',
        '- Prednisone-equivalents: prednisolone × 1, methylprednisolone × 1.25.',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('glucocorticoid-dose-high', 'Glucocorticoid dose above the LN maintenance limit'),
      suggestions: [
        {
          label: 'Change to 1 × 5 mg tablet once daily (5 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              description: 'Rewrite the draft order to an in-range daily dose',
              resource: rewritten(prednisoneDraft, {
                text: '1 tablet (5 mg) once daily',
                timing: QD,
                doseAndRate: [{ doseQuantity: { value: 1, unit: '{tbl}', system: UCUM, code: '{tbl}' } }],
              }),
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: OVERRIDES,
      links: [KDIGO],
    },
  },
  'azathioprine-dose-high': {
    scenario: '2 × 50 mg tablets twice daily at 70 kg (the range is not attributed to the label)',
    situation: {
      orders: [
        prescription({
          id: 'aza',
          ...PRODUCT.aza50tab,
          dose: [2, '{tbl}'],
          timing: 'BID',
          sig: '2 tablets twice daily',
        }),
      ],
      results: [lab('wt', LOINC.weight, 70, 'kg', '2026-04-22T09:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'Azathioprine dose 2.86 mg/kg/day is above the LN maintenance range of 1.5–2 mg/kg/day',
      detail: detail(
        '**Azathioprine dose:** 2.86 mg/kg/day — 200 mg/day (2 × 50 mg tablets twice daily) ÷ 70 kg (weight on 2026-04-22)',
        '',
        "**Target:** LN maintenance range: 1.5–2 mg/kg/day (this service's default, from a guideline summary citing KDIGO 2024).",
        '',
        'A higher dose adds myelotoxicity.',
        '',
        '**Evidence used**',
        '- azathioprine 50 MG Oral Tablet — order (active) (2025-01-10)',
        '',
        '**Pitfalls**',
        '- Check TPMT/NUDT15 status and blood counts; avoid with allopurinol/febuxostat.',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('azathioprine-dose-high', 'Azathioprine dose above 2 mg/kg/day'),
      overrideReasons: OVERRIDES,
      links: [KDIGO, IMURAN_LABEL],
    },
  },
  'azathioprine-dose-low': {
    scenario: 'a first azathioprine draft of one 50 mg tablet daily at 60 kg',
    situation: {
      drafts: [azathioprineDraft],
      results: [lab('wt', LOINC.weight, 60, 'kg', '2026-05-12T09:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'Azathioprine dose 0.83 mg/kg/day is below the LN maintenance range of 1.5–2 mg/kg/day',
      detail: detail(
        '**Azathioprine dose:** 0.83 mg/kg/day — 50 mg/day (1 × 50 mg tablet once daily) ÷ 60 kg (weight on 2026-05-12)',
        '',
        "**Target:** LN maintenance range: 1.5–2 mg/kg/day (this service's default, from a guideline summary citing KDIGO 2024).",
        '',
        'A lower dose early in therapy risks under-treatment.',
        '',
        '**Evidence used**',
        '- azathioprine 50 MG Oral Tablet — draft order (2026-06-01)',
        '',
        '**Pitfalls**',
        '- A reduced dose may be deliberate for TPMT/NUDT15 deficiency.',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('azathioprine-dose-low', 'Azathioprine dose below 1.5 mg/kg/day'),
      suggestions: [
        {
          label: 'Change to 2 × 50 mg tablets once daily (100 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              description: 'Rewrite the draft order to an in-range daily dose',
              resource: rewritten(azathioprineDraft, {
                text: '2 tablets (100 mg) once daily',
                timing: QD,
                doseAndRate: [{ doseQuantity: { value: 2, unit: '{tbl}', system: UCUM, code: '{tbl}' } }],
              }),
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: OVERRIDES,
      links: [KDIGO, IMURAN_LABEL],
    },
  },
  overimmunosuppression: {
    scenario: 'azathioprine drafted for a patient on tacrolimus and MMF',
    situation: {
      orders: [tacrolimus, mmf1gBid],
      drafts: [
        draftOf({
          id: 'aza',
          ...PRODUCT.aza50tab,
          dose: [1, '{tbl}'],
          timing: 'QD',
          sig: '1 tablet once daily',
        }),
      ],
      results: [tacrolimusLevelOnTarget],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'Overlapping immunosuppression: tacrolimus, mycophenolate, azathioprine',
      detail: detail(
        'Tacrolimus with two or more other LN immunosuppressants; two antimetabolites (mycophenolate and azathioprine).',
        '',
        'Such combinations add infection and toxicity risk without proven benefit.',
        '',
        '**Evidence used**',
        '- tacrolimus 1 MG Oral Capsule — order (active): 1 × 1 mg capsule twice daily (2025-01-10)',
        '- mycophenolate mofetil 500 MG Oral Tablet — order (active): 2 × 500 mg tablets twice daily (2025-01-10)',
        '- azathioprine 50 MG Oral Tablet — draft order: 1 × 50 mg tablet once daily (2026-06-01)',
        '',
        '**Pitfalls**',
        '- If this is a planned switch, make sure the previous drug is stopped.',
      ),
      indicator: 'warning',
      source: source('overimmunosuppression', 'Overlapping immunosuppressants'),
      overrideReasons: OVERRIDES,
      links: [KDIGO],
    },
  },
  'immunosuppression-stopped-early': {
    scenario: 'stopping MMF at month 14',
    situation: {
      orders: [prescription({ id: 'mmf', ...stoppedMmf, start: '2025-04-01' })],
      drafts: [draftOf({ id: 'mmf-stop', ...stoppedMmf, status: 'stopped' })],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary: 'LN immunosuppression ends after 14 months; ≥ 36 months are recommended',
      detail: detail(
        'KDIGO 2024: a total duration of immunosuppression of at least 36 months is recommended for proliferative LN; stopping MMF before 2 years was linked to more flares. A repeat kidney biopsy can inform withdrawal.',
        '',
        '**Evidence used**',
        '- LN immunosuppression started (2025-04-01)',
        '- LN immunosuppression ends (2026-06-01)',
        '- mycophenolate mofetil 500 MG Oral Tablet — draft order (stopped: discontinues): 2 × 500 mg tablets twice daily (2026-06-01)',
        '- mycophenolate mofetil 500 MG Oral Tablet — order (active, superseded by the draft): 2 × 500 mg tablets twice daily (2025-04-01)',
        '',
        '**Pitfalls**',
        '- Taper rather than stop abruptly; keep hydroxychloroquine.',
      ),
      indicator: 'warning',
      source: source('immunosuppression-stopped-early', 'LN immunosuppression stopped before 36 months'),
      overrideReasons: OVERRIDES,
      links: [KDIGO],
    },
  },
  'cni-kidney-function-overdue': {
    scenario: 'voclosporin since March, the last eGFR 37 days ago (Lupkynis: every 4 weeks)',
    situation: {
      orders: [voclosporinSince('vcs', '2026-03-01'), mmf1gBid],
      results: [egfrResult('egfr', 85, '2026-04-25T09:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'No eGFR or creatinine in the last 28 days on voclosporin (since 2026-03-01): kidney function check due',
      detail: detail(
        'Calcineurin inhibitors cause dose-dependent nephrotoxicity, so kidney function needs close monitoring (KDIGO 2024; the guideline summary this service follows). Lupkynis label: eGFR every 2 weeks for the first month, then every 4 weeks.',
        '',
        '**Evidence used**',
        '- Voclosporin first started (2026-03-01)',
        '- Last eGFR: 85 mL/min/1.73 m² (2026-04-25)',
        '- Last creatinine: none on record',
        '- voclosporin 7.9 MG Oral Capsule \\[Lupkynis\\] — order (active): 23.7 mg twice daily (2026-03-01)',
        '',
        '**Pitfalls**',
        '- Close monitoring on a calcineurin inhibitor also means blood pressure and electrolytes (potassium, magnesium).',
        '- A result from an outside laboratory that is not in this record does not count here.',
      ),
      indicator: 'info',
      source: source(
        'cni-kidney-function-overdue',
        'Kidney function check overdue on a calcineurin inhibitor',
      ),
      suggestions: [
        {
          label: 'Order serum creatinine with eGFR',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'create',
              description: 'Order serum creatinine with eGFR (LOINC 2160-0)',
              resource: creatinineOrder,
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [
        ruleOverride('checked-at-outside-laboratory', 'checked at an outside laboratory'),
        ruleOverride('patient-specific-monitoring-plan', 'patient-specific monitoring plan'),
      ],
      links: [LUPKYNIS_LABEL, KDIGO],
    },
  },
  'cni-egfr-decline': {
    scenario: 'voclosporin 23.7 mg twice daily renewed while eGFR fell from 70 to 54 (−22.86 %)',
    situation: {
      orders: [voclosporinSince('vcs', '2026-01-02'), mmf1gBid],
      drafts: [voclosporinDraft],
      results: [
        egfrResult('baseline', 70, '2025-12-23T09:00:00Z'),
        egfrResult('egfr', 54, '2026-05-18T09:00:00Z'),
      ],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'eGFR 54 is 22.86 % below the pre-voclosporin baseline of 70 (2025-12-23): possible CNI nephrotoxicity',
      detail: detail(
        'eGFR 54 mL/min/1.73 m² on 2026-05-18 against a baseline of 70 mL/min/1.73 m² on 2025-12-23, the latest eGFR in the 90 days before voclosporin was first started.',
        'Lupkynis label: with eGFR \\< 60 mL/min/1.73 m² and a decline of more than 20 % and less than 30 % from baseline, reduce voclosporin by 7.9 mg twice daily and reassess within 2 weeks.',
        '',
        'Calcineurin inhibitors cause dose-dependent nephrotoxicity; pre-existing kidney damage adds to the risk (KDIGO 2024; the guideline summary this service follows).',
        '',
        '**Evidence used**',
        '- Baseline eGFR (latest in the 90 days before voclosporin): 70 mL/min/1.73 m² (2025-12-23)',
        '- Current eGFR: 54 mL/min/1.73 m² (2026-05-18)',
        '- Voclosporin first started (2026-01-02)',
        '- voclosporin 7.9 MG Oral Capsule \\[Lupkynis\\] — draft order: 23.7 mg twice daily (2026-06-01)',
        '',
        '**Pitfalls**',
        '- Other causes of a falling eGFR: LN flare, volume depletion, NSAIDs or other nephrotoxins. Repeat the eGFR within 2 weeks before acting on one value.',
      ),
      indicator: 'warning',
      source: source('cni-egfr-decline', 'eGFR decline from the pre-calcineurin-inhibitor baseline'),
      suggestions: [
        {
          label: 'Change to 2 × 7.9 mg capsules twice daily (31.6 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              description: 'Rewrite the draft order to an in-range daily dose',
              resource: rewritten(voclosporinDraft, {
                text: '15.8 mg twice daily',
                timing: BID,
                doseAndRate: [{ doseQuantity: { value: 15.8, unit: 'mg', system: UCUM, code: 'mg' } }],
              }),
            },
          ],
        },
        {
          label: 'Repeat creatinine/eGFR within 2 weeks',
          uuid: '00000000-0000-4000-8000-000000000003',
          actions: [
            {
              type: 'create',
              description: 'Repeat creatinine/eGFR within 2 weeks (LOINC 2160-0)',
              resource: creatinineOrder,
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [
        ruleOverride('decline-explained-otherwise', 'decline explained by LN activity / other cause'),
        ruleOverride('patient-specific-target', 'patient-specific target set by nephrology'),
      ],
      links: [KDIGO, LUPKYNIS_LABEL],
    },
  },
  'hydroxychloroquine-not-prescribed': {
    scenario: 'MMF in maintenance, the hydroxychloroquine course ended last December',
    situation: {
      orders: [
        mmf1gBid,
        {
          ...prescription({
            id: 'hcq',
            rxnorm: '979092',
            name: 'hydroxychloroquine sulfate 200 MG Oral Tablet',
            dose: [1, '{tbl}'],
            timing: 'QD',
            sig: '1 tablet once daily',
            start: '2024-01-10',
            status: 'completed',
          }),
          dosageInstruction: [
            {
              text: '1 tablet once daily',
              timing: { ...QD, repeat: { boundsPeriod: { start: '2024-01-10', end: '2025-12-31' } } },
              doseAndRate: [{ doseQuantity: { value: 1, unit: '{tbl}', system: UCUM, code: '{tbl}' } }],
            },
          ],
        },
      ],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'No active hydroxychloroquine order: KDIGO 2024 recommends HCQ for all patients with LN unless contraindicated',
      detail: detail(
        'This record has no active hydroxychloroquine or other antimalarial order, and no recorded allergy, intolerance or antimalarial retinal toxicity. It only means "no order in this record": hydroxychloroquine prescribed elsewhere (another EHR, patient-reported) is not visible here.',
        '',
        'KDIGO 2024 recommends that patients with LN be treated with hydroxychloroquine or an equivalent antimalarial unless contraindicated (1C); EULAR 2023 recommends hydroxychloroquine for all patients with SLE unless contraindicated.',
        '',
        '**Evidence used**',
        '- hydroxychloroquine sulfate 200 MG Oral Tablet — order (completed): ended 2025-12-31 (2024-01-10)',
        '',
        '**Pitfalls**',
        '- Dose ≤ 5 mg/kg/day of actual body weight, with a baseline retinal examination (AAO 2016).',
        '- Reduced kidney function raises the risk of retinal toxicity (AAO 2016): a lower dose is usual with eGFR < 30 mL/min/1.73 m².',
      ),
      indicator: 'info',
      source: source('hydroxychloroquine-not-prescribed', 'No hydroxychloroquine for a patient with LN'),
      overrideReasons: [
        ruleOverride('prescribed-elsewhere', 'prescribed elsewhere'),
        ruleOverride('contraindicated-or-not-tolerated', 'contraindicated / not tolerated (will record it)'),
        ruleOverride('patient-declines', 'patient declines'),
      ],
      links: [
        KDIGO,
        {
          label: 'EULAR recommendations for the management of SLE: 2023 update (Ann Rheum Dis 2024;83:15–29)',
          url: 'https://doi.org/10.1136/ard-2023-224762',
          type: 'absolute',
        },
        {
          label:
            'AAO recommendations on screening for chloroquine and hydroxychloroquine retinopathy (2016 revision)',
          url: 'https://doi.org/10.1016/j.ophtha.2016.01.058',
          type: 'absolute',
        },
      ],
    },
  },
};

describe('whole cards, one per rule code (§6)', () => {
  it.each(RULE_CODES.map(({ code }) => [`${code}: ${WHOLE_CARDS[code].scenario}`, code] as const))(
    '%s',
    (_name, code) => {
      const { situation, card } = WHOLE_CARDS[code];
      expect(cardOf(code, situation)).toEqual(card);
    },
  );
});
