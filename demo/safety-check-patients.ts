import { ANALYTES, CONDITIONS, DRUGS } from './chart';
import { addBackground, addMultitarget, type PatientSpec, type SandboxMedication } from './patient-spec';

/** Medications as the CDS Hooks Sandbox's own RxNorm list names them (Rx View / Rx Sign). */
const SANDBOX_MEDICATIONS = {
  febuxostat40mg: { code: '834235', name: 'febuxostat 40 MG Oral Tablet' },
  clarithromycin500mg: { code: '197517', name: 'Clarithromycin 500 MG Oral Tablet' },
  prednisone5mg: { code: '312617', name: 'Prednisone 5 MG Oral Tablet' },
  mmf500mg: { code: '200060', name: 'mycophenolate mofetil 500 MG Oral Tablet' },
} as const satisfies Record<string, SandboxMedication>;

/**
 * One patient per safety-check rule code of clinical-rules-wave2.md §4, after its §7 examples.
 * Every other chart element is chosen so that no other rule fires: hydroxychloroquine is active
 * (except for the patient who shows its absence), a calcineurin inhibitor has a recent eGFR and an
 * on-target trough, doses are in range.
 */
export const SAFETY_CHECK_PATIENTS: readonly PatientSpec[] = [
  {
    id: 'demo-pregnancy-mmf',
    given: 'Pregnancy',
    gender: 'female',
    age: 31,
    expectedCodes: ['pregnancy-teratogenic-drug'],
    story: 'LN class IV on MMF 1 g twice daily for 2 years; pregnancy recorded (SNOMED 77386006) 6 weeks ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 1200);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 700);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 700);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 1100);
      c.condition(CONDITIONS.pregnant, 42);
      // No ACE inhibitor: it is stopped when a pregnancy is planned or found.
      c.result(ANALYTES.creatinine, 0.7, 'mg/dL', 7);
      c.result(ANALYTES.egfr, 104, 'mL/min/{1.73_m2}', 7);
      c.result(ANALYTES.urineProteinCreatinine, 180, 'mg/g', 7);
    },
  },
  {
    id: 'demo-aza-febuxostat',
    given: 'Urate',
    gender: 'male',
    age: 47,
    expectedCodes: ['azathioprine-febuxostat'],
    story:
      'LN (M32.14) on azathioprine 100 mg/day at 64 kg; order-select: febuxostat 40 mg daily drafted for gout',
    chart(c) {
      c.condition(CONDITIONS.glomerularDiseaseInSle, 2400);
      c.order(DRUGS.azathioprine50mg, { value: 2, unit: '{tbl}' }, 'QD', 900);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 900);
      c.result(ANALYTES.weight, 64, 'kg', 30);
      addBackground(c, { egfr: 86, creatinine: 1.0, upcr: 140 });
    },
    order: {
      hook: 'order-select',
      drafts(c) {
        c.draft(DRUGS.febuxostat40mg, { value: 1, unit: '{tbl}' }, 'QD');
      },
      sandbox: { medication: SANDBOX_MEDICATIONS.febuxostat40mg, number: 1, frequency: 'daily' },
    },
  },
  {
    id: 'demo-aza-allopurinol',
    given: 'Xanthine',
    gender: 'female',
    age: 52,
    expectedCodes: ['azathioprine-allopurinol', 'azathioprine-dose-high'],
    story: 'LN class III on azathioprine 150 mg/day at 70 kg (2.1 mg/kg/day) with allopurinol 100 mg daily',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 2600);
      c.order(DRUGS.azathioprine50mg, { value: 3, unit: '{tbl}' }, 'QD', 1000);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 1000);
      c.order(DRUGS.allopurinol100mg, { value: 1, unit: '{tbl}' }, 'QD', 100);
      c.result(ANALYTES.weight, 70, 'kg', 20);
      addBackground(c, { egfr: 79, creatinine: 0.8, upcr: 160 });
    },
  },
  {
    id: 'demo-steroid-stop',
    given: 'Taper',
    gender: 'female',
    age: 46,
    expectedCodes: ['glucocorticoid-abrupt-stop'],
    story:
      'LN class V in remission on MMF 750 mg twice daily + prednisone 5 mg/day for 3 years; order-sign: prednisone stopped at once',
    chart(c) {
      c.condition(CONDITIONS.lnClassV, 2500, 'remission');
      c.order(DRUGS.mmf250mg, { value: 3, unit: '{capsule}' }, 'BID', 1100);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 1100);
      addBackground(c, { egfr: 91, creatinine: 0.8, upcr: 100 });
    },
    order: {
      hook: 'order-sign',
      drafts(c) {
        c.draft(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', { status: 'stopped' });
      },
      // Rule 3 (ii): a last prescription ending within 14 days stops the run as a discontinuation does.
      sandbox: { medication: SANDBOX_MEDICATIONS.prednisone5mg, number: 1, frequency: 'daily', endInDays: 7 },
    },
  },
  {
    id: 'demo-cni-unchecked',
    given: 'Unchecked',
    gender: 'female',
    age: 35,
    expectedCodes: ['cni-kidney-function-overdue'],
    story:
      'LN class IV on tacrolimus 2 mg twice daily + MMF for 17 months; last eGFR 137 days ago, last creatinine 120 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 1300);
      addMultitarget(c, 505);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 1200);
      c.order(DRUGS.lisinopril, { value: 10, unit: 'mg' }, 'QD', 1000);
      c.result(ANALYTES.creatinine, 0.8, 'mg/dL', 137);
      c.result(ANALYTES.egfr, 96, 'mL/min/{1.73_m2}', 137);
      c.result(ANALYTES.creatinine, 0.8, 'mg/dL', 120);
      // Troughs were drawn (on target); kidney function was not.
      c.result(ANALYTES.tacrolimusTrough, 5.3, 'ng/mL', 25);
      c.result(ANALYTES.urineProteinCreatinine, 220, 'mg/g', 25);
    },
  },
  {
    id: 'demo-cni-decline',
    given: 'Decline',
    gender: 'female',
    age: 40,
    expectedCodes: ['cni-egfr-decline'],
    story:
      'LN class IV on tacrolimus + MMF for 1 year; eGFR 70 ten days before tacrolimus, 52 now (−26 %), trough 5.8 ng/mL',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 380);
      addMultitarget(c, 365);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 365);
      c.order(DRUGS.lisinopril, { value: 10, unit: 'mg' }, 'QD', 365);
      c.result(ANALYTES.creatinine, 1.0, 'mg/dL', 375);
      c.result(ANALYTES.egfr, 70, 'mL/min/{1.73_m2}', 375);
      c.result(ANALYTES.creatinine, 1.1, 'mg/dL', 200);
      c.result(ANALYTES.egfr, 64, 'mL/min/{1.73_m2}', 200);
      c.result(ANALYTES.creatinine, 1.3, 'mg/dL', 15);
      c.result(ANALYTES.egfr, 52, 'mL/min/{1.73_m2}', 15);
      c.result(ANALYTES.tacrolimusTrough, 5.8, 'ng/mL', 15);
      c.result(ANALYTES.urineProteinCreatinine, 310, 'mg/g', 15);
    },
  },
  {
    id: 'demo-no-hcq',
    given: 'Antimalarial',
    gender: 'male',
    age: 33,
    expectedCodes: ['hydroxychloroquine-not-prescribed'],
    story: 'LN class III on MMF 1 g twice daily; no hydroxychloroquine ever ordered, no allergy recorded',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 900);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 800);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 800);
      c.order(DRUGS.lisinopril, { value: 10, unit: 'mg' }, 'QD', 800);
      c.result(ANALYTES.creatinine, 1.0, 'mg/dL', 7);
      c.result(ANALYTES.egfr, 88, 'mL/min/{1.73_m2}', 7);
      c.result(ANALYTES.urineProteinCreatinine, 260, 'mg/g', 7);
    },
  },
  {
    id: 'demo-vcs-cyp3a4',
    given: 'Macrolide',
    gender: 'female',
    age: 29,
    expectedCodes: ['voclosporin-strong-cyp3a4-inhibitor'],
    story:
      'LN class IV on voclosporin 23.7 mg + MMF 1 g twice daily; order-select: clarithromycin 500 mg twice daily drafted',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 430);
      c.order(DRUGS.voclosporin, { value: 3, unit: '{capsule}' }, 'BID', 400);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 400);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 400);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 400);
      // Lupkynis label: baseline eGFR before the start, then every 4 weeks.
      c.result(ANALYTES.creatinine, 0.9, 'mg/dL', 410);
      c.result(ANALYTES.egfr, 84, 'mL/min/{1.73_m2}', 410);
      c.result(ANALYTES.creatinine, 0.9, 'mg/dL', 12);
      c.result(ANALYTES.egfr, 80, 'mL/min/{1.73_m2}', 12);
      c.result(ANALYTES.urineProteinCreatinine, 230, 'mg/g', 12);
    },
    order: {
      hook: 'order-select',
      drafts(c) {
        c.draft(DRUGS.clarithromycin, { value: 500, unit: 'mg' }, 'BID');
      },
      sandbox: { medication: SANDBOX_MEDICATIONS.clarithromycin500mg, number: 1, frequency: 'bid' },
    },
  },
  {
    id: 'demo-mmf-no-hcg',
    given: 'Newstart',
    gender: 'female',
    age: 28,
    expectedCodes: ['mycophenolate-pregnancy-test-missing'],
    story:
      'New LN class IV (diagnosed 3 weeks ago) on prednisone 40 mg/day; order-sign: MMF 1 g twice daily drafted, no pregnancy test on record',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 21);
      c.order(DRUGS.prednisone20mg, { value: 2, unit: '{tbl}' }, 'QD', 14);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 14);
      c.order(DRUGS.lisinopril, { value: 10, unit: 'mg' }, 'QD', 14);
      c.result(ANALYTES.creatinine, 0.9, 'mg/dL', 3);
      c.result(ANALYTES.egfr, 86, 'mL/min/{1.73_m2}', 3);
      c.result(ANALYTES.urineProteinCreatinine, 2100, 'mg/g', 3);
    },
    order: {
      hook: 'order-sign',
      drafts(c) {
        c.draft(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID');
      },
      sandbox: { medication: SANDBOX_MEDICATIONS.mmf500mg, number: 2, frequency: 'bid' },
    },
  },
];
