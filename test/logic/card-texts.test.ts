import type { CdsCard, CdsLink } from '../../src/logic/cards/cards';
import { RULE_CODES, type RuleCode } from '../../src/logic/vocabulary/rule-codes';
import { ALLOPURINOL_100, LUPKYNIS, byName } from './support/interaction-scenarios';
import { LOINC, PRODUCT, cardOf, draftOf, lab, prescription, type Situation } from './support/card-scenarios';
import { lupusNephritis } from './record-builders';
import { pregnancyCondition, woman } from './support/pregnancy-builders';

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

const ULORIC_LABEL: CdsLink = {
  label: 'Uloric (febuxostat) prescribing information (DailyMed search)',
  url: 'https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Uloric',
  type: 'absolute',
};
const LUPKYNIS_LABEL: CdsLink = {
  label: 'Lupkynis (voclosporin) prescribing information (FDA)',
  url: 'https://www.accessdata.fda.gov/drugsatfda_docs/label/2025/213716s008lbl.pdf',
  type: 'absolute',
};
const XANTHINE_OXIDASE =
  'Xanthine oxidase inactivates 6-mercaptopurine, the active metabolite of azathioprine: blocking it raises 6-mercaptopurine and 6-thioguanine nucleotide levels (myelotoxicity).';
const overrideReason = (code: string, display: string) => ({
  system: 'urn:ln-cds-hooks:override-reason',
  code,
  display,
});

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

const febuxostatDraft = byName(
  'febuxostat 40 MG Oral Tablet',
  { id: 'febux', dose: [1, '{tbl}'], timing: 'QD', sig: '1 tablet once daily' },
  true,
);
const azathioprine150Draft = draftOf({
  id: 'aza-draft',
  ...PRODUCT.aza50tab,
  dose: [3, '{tbl}'],
  timing: 'QD',
  sig: '3 tablets once daily',
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

/** Prednisone 5 mg tablets, one daily (the seed's maintenance floor). */
const prednisone5mgDaily = {
  ...PRODUCT.prednisone5tab,
  dose: [1, '{tbl}'],
  timing: 'QD',
  sig: '1 tablet once daily',
} as const;
const mmf1gBid1 = {
  id: 'mmf',
  ...PRODUCT.mmf500tab,
  dose: [2, '{tbl}'],
  timing: 'BID',
  sig: '2 tablets twice daily',
} as const;

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

const EULAR_2017_PREGNANCY: CdsLink = {
  label: "EULAR recommendations for women's health and pregnancy in SLE and/or APS (2017)",
  url: 'https://doi.org/10.1136/annrheumdis-2016-209770',
  type: 'absolute',
};
const EULAR_2023_SLE: CdsLink = {
  label: 'EULAR recommendations for the management of SLE: 2023 update',
  url: 'https://doi.org/10.1136/ard-2023-224762',
  type: 'absolute',
};

/** MMF 500 mg tablets, 2 twice daily, drafted today as a first start. */
const mmfStartDraft = draftOf({
  id: 'mmf-draft',
  ...PRODUCT.mmf500tab,
  dose: [2, '{tbl}'],
  timing: 'BID',
  sig: '2 tablets twice daily',
});
const pregnantSince20April = pregnancyCondition({ onsetDateTime: '2026-04-20' });

/** Voclosporin has no RxCUI (clinical-rules-wave2.md §1.1): named only, as the EHR writes it. */
const LUPKYNIS_NAME = 'voclosporin 7.9 MG Oral Capsule [Lupkynis]';
const voclosporinSince = (id: string, start: string): fhir4.MedicationRequest => ({
  ...prescription({
    id,
    rxnorm: '-',
    name: LUPKYNIS_NAME,
    dose: [23.7, 'mg'],
    timing: 'BID',
    sig: '23.7 mg twice daily',
    start,
  }),
  medicationCodeableConcept: { text: LUPKYNIS_NAME },
});
const voclosporinDraft: fhir4.MedicationRequest = {
  ...voclosporinSince('vcs-draft', '2026-06-01T09:00:00.000Z'),
  status: 'draft',
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
  'glucocorticoid-abrupt-stop': {
    scenario: 'prednisone 5 mg daily since 2023-09-05 stopped at once, nothing else drafted',
    situation: {
      orders: [
        prescription({ ...mmf1gBid1, start: '2023-09-05' }),
        prescription({ id: 'pred', ...prednisone5mgDaily, start: '2023-09-05' }),
      ],
      drafts: [draftOf({ id: 'pred-stop', ...prednisone5mgDaily, status: 'stopped' })],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Prednisone 5 mg/day stopped after 32 months without a taper: risk of adrenal insufficiency and flare-like withdrawal',
      detail: detail(
        '**Prednisone-equivalent daily dose stopped:** 5 mg/day — 1 × 5 mg tablet once daily',
        '',
        'Continuous glucocorticoid therapy since 2023-09-05 (32 months), stopped by the draft order; no glucocorticoid continues after it.',
        '',
        "A stop at ≥ 5 mg/day prednisone-equivalent after ≥ 28 days needs a taper (this service's defaults). ESE/ES 2024: adrenal insufficiency is a risk after 3–4 weeks above the physiological 4–6 mg prednisone; taper to about the physiological dose, then slowly; consider a morning cortisol before stopping, and teach sick-day rules. The LN maintenance guideline summary this service follows: reduce low-dose prednisone by 1 mg every 2 months after ≥ 2 years at 5–7.5 mg; abrupt withdrawal after years of use may cause withdrawal symptoms that mimic flares. KDIGO 2024: stop glucocorticoids only in stable, quiescent disease with close monitoring.",
        '',
        '**Evidence used**',
        '- prednisone 5 MG Oral Tablet — draft order (stopped: discontinues): 1 × 5 mg tablet once daily (2026-06-01)',
        '- prednisone 5 MG Oral Tablet — order (active, superseded by the draft): 1 × 5 mg tablet once daily (2023-09-05)',
        '',
        '**Pitfalls**',
        '- A taper ordered separately, by another prescriber or only as free text is not visible to this service.',
        '- Prednisone-equivalents: prednisolone × 1, methylprednisolone × 1.25; hydrocortisone and dexamethasone keep the patient covered but are not counted in the dose.',
      ),
      indicator: 'warning',
      source: source('glucocorticoid-abrupt-stop', 'Long-term glucocorticoid stopped without a taper'),
      overrideReasons: [
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'taper-ordered-separately',
          display: 'taper ordered separately / by another prescriber',
        },
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'hpa-axis-assessed',
          display: 'HPA axis assessed — safe to stop',
        },
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'switching-glucocorticoid',
          display: 'switching to another glucocorticoid or hydrocortisone replacement',
        },
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'adverse-effect-immediate-stop',
          display: 'adverse effect requires immediate stop',
        },
      ],
      links: [
        {
          label: 'ESE/Endocrine Society 2024 guideline: glucocorticoid-induced adrenal insufficiency',
          url: 'https://doi.org/10.1093/ejendo/lvae029',
          type: 'absolute',
        },
        KDIGO,
      ],
    },
  },
  'pregnancy-teratogenic-drug': {
    scenario: 'MMF drafted for a patient with a pregnancy recorded on 20 April',
    situation: { drafts: [mmfStartDraft], conditions: [lupusNephritis(), pregnantSince20April] },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Pregnancy recorded (2026-04-20) and mycophenolate is ordered: embryofetal toxicity — switch to a pregnancy-compatible regimen',
      detail: detail(
        'Mycophenolate: boxed warning — use in pregnancy is associated with first-trimester pregnancy loss and congenital malformations (Mycophenolate REMS).',
        '',
        "Pregnancy-compatible LN treatment (KDIGO 2024; EULAR 2017 and 2023): azathioprine, tacrolimus or cyclosporine, hydroxychloroquine (continue it), low-dose prednisone; mycophenolate should be stopped at least 6 weeks before conception. The replacement and its dose are the nephrologist's choice: nothing is substituted automatically. Report the exposure to the pregnancy registry of the Mycophenolate REMS.",
        '',
        '**Evidence used**',
        '- Pregnancy condition: Pregnant (SNOMED CT 77386006) (2026-04-20)',
        '- mycophenolate mofetil 500 MG Oral Tablet — draft order: 2 × 500 mg tablets twice daily (2026-06-01)',
        '',
        '**Pitfalls**',
        '- The record may show a pregnancy that has ended (delivery, loss) without being updated: evidence counts for 294 days. If so, override with "pregnancy has ended / record out of date" and update the record.',
      ),
      indicator: 'critical',
      source: source('pregnancy-teratogenic-drug', 'Pregnancy recorded with mycophenolate or cyclophosphamide'),
      suggestions: [
        {
          label: 'Remove the mycophenolate order',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'delete',
              description: 'Remove the mycophenolate order',
              resourceId: 'MedicationRequest/mmf-draft',
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'pregnancy-ended',
          display: 'pregnancy has ended / record out of date',
        },
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'pregnancy-entered-in-error',
          display: 'not pregnant — evidence entered in error',
        },
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'benefit-outweighs-risk',
          display: 'benefit outweighs risk — decided with patient and obstetrics',
        },
      ],
      links: [CELLCEPT_LABEL, KDIGO, EULAR_2017_PREGNANCY, EULAR_2023_SLE],
    },
  },
  'mycophenolate-pregnancy-test-missing': {
    scenario: 'MMF started for a 38-year-old woman with no pregnancy test on record',
    situation: { drafts: [mmfStartDraft], patient: woman('1988-04-12') },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Starting mycophenolate: no pregnancy test in the last 7 days (label: test immediately before starting and 8–10 days later)',
      detail: detail(
        'CellCept and Myfortic labels (8.3) and the Mycophenolate REMS: a female of reproductive potential needs a negative pregnancy test immediately before starting mycophenolate and another 8–10 days later, and contraception counselling; mycophenolate in pregnancy causes first-trimester loss and congenital malformations.',
        '',
        '**Evidence used**',
        '- mycophenolate mofetil 500 MG Oral Tablet — draft order: 2 × 500 mg tablets twice daily (2026-06-01)',
        '- Patient: female, 38 years',
        '- Last qualitative pregnancy test: none on record',
        '',
        '**Pitfalls**',
        "- The 12–50-year age band is this service's default proxy for reproductive potential: it cannot see menopause, hysterectomy or contraception.",
        '- A test done elsewhere is not visible here; the second test, 8–10 days after starting, is not checked by this service.',
      ),
      indicator: 'info',
      source: source('mycophenolate-pregnancy-test-missing', 'Mycophenolate started without a recent pregnancy test'),
      suggestions: [
        {
          label: 'Order serum pregnancy test',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'create',
              description: 'Order serum pregnancy test (LOINC 2118-8)',
              resource: {
                resourceType: 'ServiceRequest',
                status: 'draft',
                intent: 'order',
                category: [
                  {
                    coding: [
                      { system: 'http://snomed.info/sct', code: '108252007', display: 'Laboratory procedure' },
                    ],
                  },
                ],
                code: {
                  coding: [
                    {
                      system: 'http://loinc.org',
                      code: '2118-8',
                      display: 'Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma',
                    },
                  ],
                  text: 'Serum pregnancy test (qualitative hCG)',
                },
                subject: { reference: 'Patient/pt' },
                authoredOn: '2026-06-01T09:00:00.000Z',
                note: [
                  { text: 'Before starting mycophenolate (CellCept / Myfortic label 8.3); repeat 8–10 days later.' },
                ],
              } as fhir4.ServiceRequest,
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [
        {
          system: 'urn:ln-cds-hooks:override-reason',
          code: 'not-of-reproductive-potential',
          display: 'not of reproductive potential',
        },
        { system: 'urn:ln-cds-hooks:override-reason', code: 'test-done-elsewhere', display: 'test done elsewhere' },
      ],
      links: [CELLCEPT_LABEL],
    },
  },
  'azathioprine-febuxostat': {
    scenario: 'febuxostat drafted for a patient on azathioprine 50 mg tablets, 2 once daily',
    situation: {
      hook: 'order-select',
      orders: [
        prescription({
          id: 'aza',
          ...PRODUCT.aza50tab,
          dose: [2, '{tbl}'],
          timing: 'QD',
          sig: '2 tablets once daily',
        }),
      ],
      drafts: [febuxostatDraft],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Febuxostat with azathioprine is contraindicated (febuxostat label): risk of severe myelotoxicity',
      detail: detail(
        'Options: stop febuxostat (choose a urate-lowering alternative with rheumatology) or change the LN agent; check a blood count.',
        '',
        `${XANTHINE_OXIDASE} Febuxostat (Uloric) label, §4 Contraindications and §7 Drug Interactions: contraindicated with azathioprine. Imuran label, Drug Interactions: use with febuxostat is not recommended.`,
        '',
        '**Evidence used**',
        '- febuxostat 40 MG Oral Tablet — draft order: 1 tablet once daily (2026-06-01)',
        '- azathioprine 50 MG Oral Tablet — order (active): 2 × 50 mg tablets once daily (2025-01-10)',
        '',
        '**Pitfalls**',
        '- Allopurinol is no interaction-free substitute: with it azathioprine must be cut to ⅓–¼ of the usual dose (Imuran label).',
      ),
      indicator: 'critical',
      source: source('azathioprine-febuxostat', 'Azathioprine with febuxostat (contraindicated)'),
      suggestions: [
        {
          label: 'Remove the febuxostat order',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'delete',
              description: 'Remove the febuxostat order',
              resourceId: 'MedicationRequest/febux',
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [
        overrideReason(
          'specialist-supervised-with-cbc',
          'specialist-supervised combination with CBC monitoring',
        ),
        overrideReason('one-of-the-two-stopped', 'one of the two has been stopped'),
      ],
      links: [ULORIC_LABEL, IMURAN_LABEL],
    },
  },
  'azathioprine-allopurinol': {
    scenario:
      'an azathioprine draft of 3 × 50 mg once daily at 80 kg on allopurinol (1 tablet fits ≤ 0.67 mg/kg/day)',
    situation: {
      orders: [ALLOPURINOL_100],
      drafts: [azathioprine150Draft],
      results: [lab('wt', LOINC.weight, 80, 'kg', '2026-05-12T09:00:00Z')],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Allopurinol with azathioprine 150 mg/day (1.88 mg/kg): label requires ⅓–¼ of the usual azathioprine dose',
      detail: detail(
        '**Azathioprine dose:** 1.88 mg/kg/day — 150 mg/day (3 × 50 mg tablets once daily) ÷ 80 kg (weight on 2026-05-12)',
        '',
        '**Target:** maximum with allopurinol: ≤ 0.67 mg/kg/day (0.67 = ⅓ of 2.0, derived, service default).',
        '',
        `Imuran label, Drug Interactions: with allopurinol, azathioprine is reduced to one-third or one-quarter of the usual dose, with close blood-count monitoring. ${XANTHINE_OXIDASE} The limit per kg is derived by this service from that fraction, not a label figure.`,
        '',
        '**Evidence used**',
        '- azathioprine 50 MG Oral Tablet — draft order (2026-06-01)',
        '- allopurinol 100 MG Oral Tablet — order (active): 1 × 100 mg tablet once daily (2026-02-21)',
        '',
        '**Pitfalls**',
        '- Febuxostat is no alternative: it is contraindicated with azathioprine.',
        `- ${DOSE_CHECK}`,
      ),
      indicator: 'warning',
      source: source('azathioprine-allopurinol', 'Azathioprine with allopurinol without a dose reduction'),
      suggestions: [
        {
          label: 'Change to 1 × 50 mg tablet once daily (50 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              description: 'Rewrite the draft order to an in-range daily dose',
              resource: rewritten(azathioprine150Draft, {
                text: '1 tablet (50 mg) once daily',
                timing: QD,
                doseAndRate: [{ doseQuantity: { value: 1, unit: '{tbl}', system: UCUM, code: '{tbl}' } }],
              }),
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [
        overrideReason('dose-already-adjusted', 'dose already adjusted by nephrology/rheumatology'),
        overrideReason('allopurinol-being-stopped', 'allopurinol being stopped'),
      ],
      links: [IMURAN_LABEL, KDIGO],
    },
  },
  'voclosporin-strong-cyp3a4-inhibitor': {
    scenario: 'clarithromycin drafted for a patient on Lupkynis',
    situation: {
      hook: 'order-select',
      orders: [LUPKYNIS],
      drafts: [
        draftOf({
          id: 'clari',
          ...PRODUCT.clarithromycin,
          dose: [500, 'mg'],
          timing: 'BID',
          sig: '500 mg twice daily',
        }),
      ],
    },
    card: {
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Clarithromycin with voclosporin is contraindicated (Lupkynis label): strong CYP3A4 inhibition raises voclosporin exposure',
      detail: detail(
        'Choose a drug without strong CYP3A4 inhibition (for example azithromycin for clarithromycin), or hold voclosporin for the course.',
        '',
        'Lupkynis label, §4 Contraindications and §7 Drug Interactions: strong CYP3A4 inhibitors are contraindicated with voclosporin; they raise its exposure and with it the risk of its adverse reactions.',
        '',
        '**Evidence used**',
        '- clarithromycin 500 MG Oral Tablet — draft order: 500 mg twice daily (2026-06-01)',
        '- voclosporin 7.9 MG Oral Capsule \\[Lupkynis\\] — order (active): 3 capsules twice daily (2026-03-01)',
        '',
        '**Pitfalls**',
        '- Moderate CYP3A4 inhibitors (diltiazem, verapamil, fluconazole …) are not checked by this service; the Lupkynis label reduces the voclosporin dose with them.',
      ),
      indicator: 'critical',
      source: source(
        'voclosporin-strong-cyp3a4-inhibitor',
        'Voclosporin with a strong CYP3A4 inhibitor (contraindicated)',
      ),
      suggestions: [
        {
          label: 'Remove the clarithromycin order',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'delete',
              description: 'Remove the clarithromycin order',
              resourceId: 'MedicationRequest/clari',
            },
          ],
        },
      ],
      selectionBehavior: 'at-most-one',
      overrideReasons: [overrideReason('voclosporin-held', 'voclosporin held during the course')],
      links: [LUPKYNIS_LABEL],
    },
  },
  'cni-kidney-function-overdue': {
    scenario: 'voclosporin since March, the last eGFR 37 days ago (Lupkynis: every 4 weeks)',
    situation: {
      unavailable: new Set(),
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
      unavailable: new Set(),
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
          label: 'EULAR recommendations for the management of SLE: 2023 update',
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
