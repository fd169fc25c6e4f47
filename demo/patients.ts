import type { RuleCode } from '../src/logic/rule-codes';
import { ANALYTES, CONDITIONS, DEMO_PRACTITIONER_ID, DRUGS, startChart, type Chart } from './chart';
import { buildPractitioner } from './fhir-builders';

export { DEMO_PRACTITIONER_ID } from './chart';

/**
 * The synthetic lupus nephritis patients of `npm run demo`: one per rule code a patient-view can
 * show (clinical-rules.md §5), plus controls that must show nothing. Each declares the codes it
 * is expected to show; test/demo/demo-patients.test.ts holds the service to them. Every date is
 * relative to `now`. Names, ids and records are invented.
 */
export interface DemoPatient {
  readonly id: string;
  /** Clearly synthetic, as the Sandbox's patient banner shows it. */
  readonly name: string;
  /** What the chart holds, in one line. */
  readonly story: string;
  readonly expectedCodes: readonly RuleCode[];
  readonly resources: readonly fhir4.Resource[];
}

interface PatientSpec {
  readonly id: string;
  readonly given: string;
  readonly gender: 'female' | 'male';
  readonly age: number;
  readonly story: string;
  readonly expectedCodes: readonly RuleCode[];
  readonly chart: (chart: Chart) => void;
}

const FAMILY = 'Demopatient';

/** What most LN charts also hold: hydroxychloroquine, an ACE inhibitor and recent renal labs. */
function addBackground(c: Chart, labs: { readonly egfr: number; readonly creatinine: number; readonly upcr: number }): void {
  c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 1500);
  c.order(DRUGS.lisinopril, { value: 10, unit: 'mg' }, 'QD', 1200);
  c.result(ANALYTES.creatinine, labs.creatinine, 'mg/dL', 7);
  c.result(ANALYTES.egfr, labs.egfr, 'mL/min/{1.73_m2}', 7);
  c.result(ANALYTES.urineProteinCreatinine, labs.upcr, 'mg/g', 7);
}

/** Multitarget maintenance (tacrolimus + MMF 500 mg/day + low-dose prednisone), KDIGO 2024. */
function addMultitarget(c: Chart, startDaysAgo: number, tacrolimusCapsulesBid = 2): void {
  c.order(DRUGS.tacrolimus1mg, { value: tacrolimusCapsulesBid, unit: '{capsule}' }, 'BID', startDaysAgo);
  c.order(DRUGS.mmf250mg, { value: 1, unit: '{capsule}' }, 'BID', startDaysAgo);
  c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', startDaysAgo);
}

const CARD_PATIENTS: readonly PatientSpec[] = [
  {
    id: 'demo-tac-low', given: 'Lowtrough', gender: 'female', age: 34, expectedCodes: ['tacrolimus-trough-low'],
    story: 'LN class IV on Envarsus XR 4 mg once daily + MMF 500 mg/day; tacrolimus level 3.1 ng/mL 9 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 1100);
      c.order(DRUGS.envarsus4mg, { value: 1, unit: '{tbl}' }, 'QD', 420);
      c.order(DRUGS.mmf250mg, { value: 1, unit: '{capsule}' }, 'BID', 420);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 420);
      c.result(ANALYTES.tacrolimusBlood, 4.8, 'ng/mL', 110);
      c.result(ANALYTES.tacrolimusBlood, 3.1, 'ng/mL', 9);
      addBackground(c, { egfr: 74, creatinine: 1.0, upcr: 310 });
    },
  },
  {
    id: 'demo-tac-high', given: 'Hightrough', gender: 'male', age: 41, expectedCodes: ['tacrolimus-trough-high'],
    story: 'LN (ICD-10-CM M32.14) on Prograf 3 mg twice daily + MMF; trough 10.6 nmol/L (8.5 ng/mL) 6 days ago',
    chart(c) {
      c.condition(CONDITIONS.glomerularDiseaseInSle, 1500);
      c.order(DRUGS.prograf1mg, { value: 3, unit: '{capsule}' }, 'BID', 520);
      c.order(DRUGS.mmf250mg, { value: 1, unit: '{capsule}' }, 'BID', 520);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 520);
      c.result(ANALYTES.tacrolimusTrough, 6.2, 'nmol/L', 100);
      c.result(ANALYTES.tacrolimusTrough, 10.6, 'nmol/L', 6);
      addBackground(c, { egfr: 81, creatinine: 1.1, upcr: 180 });
    },
  },
  {
    id: 'demo-tac-overdue', given: 'Overdue', gender: 'female', age: 29, expectedCodes: ['tacrolimus-trough-overdue'],
    story: 'LN class III on tacrolimus 2 mg twice daily for 14 months; last trough 140 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 900);
      addMultitarget(c, 430);
      c.result(ANALYTES.tacrolimusTrough, 5.2, 'ng/mL', 140);
      addBackground(c, { egfr: 96, creatinine: 0.7, upcr: 150 });
    },
  },
  {
    id: 'demo-tac-cyp3a4', given: 'Interaction', gender: 'female', age: 38, expectedCodes: ['tacrolimus-cyp3a4-interaction'],
    story: 'LN class V on tacrolimus + MMF; rifampin 600 mg daily (latent TB) started 5 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassV, 1200);
      addMultitarget(c, 600);
      c.order(DRUGS.rifampin, { value: 600, unit: 'mg' }, 'QD', 5, { endInDays: 115 });
      c.result(ANALYTES.tacrolimusTrough, 5.0, 'ng/mL', 21);
      addBackground(c, { egfr: 88, creatinine: 0.8, upcr: 420 });
    },
  },
  {
    id: 'demo-mmf-low', given: 'Lowdose', gender: 'female', age: 45, expectedCodes: ['mycophenolate-dose-low'],
    story: 'LN in maintenance on Myfortic 180 mg twice daily (MPA 360 mg/day), no tacrolimus',
    chart(c) {
      c.condition(CONDITIONS.lnSyndrome, 2000);
      c.order(DRUGS.myfortic180mg, { value: 1, unit: '{tbl}' }, 'BID', 650);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 650);
      addBackground(c, { egfr: 70, creatinine: 0.9, upcr: 240 });
    },
  },
  {
    id: 'demo-mmf-high', given: 'Highdose', gender: 'female', age: 27, expectedCodes: ['mycophenolate-dose-high'],
    story: 'LN (M32.14) in maintenance on CellCept 1.5 g twice daily (3000 mg/day), no tacrolimus',
    chart(c) {
      c.condition(CONDITIONS.glomerularDiseaseInSle, 1000);
      c.order(DRUGS.cellcept500mg, { value: 3, unit: '{tbl}' }, 'BID', 700);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 700);
      addBackground(c, { egfr: 64, creatinine: 1.1, upcr: 200 });
    },
  },
  {
    id: 'demo-mmf-renal', given: 'Renaldose', gender: 'male', age: 52, expectedCodes: ['mycophenolate-renal-dose'],
    story: 'LN class IV in induction (MMF 1250 mg twice daily, 2 months) with eGFR 21 mL/min/1.73 m2',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 60);
      c.order(DRUGS.mmf250mg, { value: 1250, unit: 'mg' }, 'BID', 55);
      c.order(DRUGS.prednisone20mg, { value: 2, unit: '{tbl}' }, 'QD', 55);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'QD', 55);
      c.result(ANALYTES.creatinine, 3.1, 'mg/dL', 4);
      c.result(ANALYTES.egfr, 21, 'mL/min/{1.73_m2}', 4);
      c.result(ANALYTES.urineProteinCreatinine, 2900, 'mg/g', 4);
    },
  },
  {
    id: 'demo-mpa-trough', given: 'Mpatrough', gender: 'female', age: 36, expectedCodes: ['mpa-trough-low'],
    story: 'LN class III on MMF 1 g twice daily; MPA trough 4.1 umol/L (1.3 mg/L) 14 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 1400);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 800);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 800);
      c.result(ANALYTES.mpaTrough, 4.1, 'umol/L', 14);
      addBackground(c, { egfr: 92, creatinine: 0.8, upcr: 350 });
    },
  },
  {
    id: 'demo-mpa-auc', given: 'Aucrange', gender: 'female', age: 31, expectedCodes: ['mpa-auc-out-of-range'],
    story: 'LN (M32.15) on Myfortic 720 mg twice daily; MPA AUC0-12 42 mg.h/L 25 days ago',
    chart(c) {
      c.condition(CONDITIONS.tubulointerstitialSle, 1300);
      c.order(DRUGS.myfortic360mg, { value: 2, unit: '{tbl}' }, 'BID', 720);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 720);
      c.result(ANALYTES.mpaAuc, 42, 'mg.h/L', 25);
      addBackground(c, { egfr: 85, creatinine: 0.8, upcr: 260 });
    },
  },
  {
    id: 'demo-steroid-high', given: 'Steroid', gender: 'female', age: 48, expectedCodes: ['glucocorticoid-dose-high'],
    story: 'LN class IV in maintenance on MMF 750 mg twice daily + methylprednisolone 8 mg/day (10 mg prednisone)',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 1600);
      c.order(DRUGS.mmf250mg, { value: 3, unit: '{capsule}' }, 'BID', 900);
      c.order(DRUGS.methylprednisolone, { value: 8, unit: 'mg' }, 'QD', 240);
      addBackground(c, { egfr: 67, creatinine: 1.0, upcr: 380 });
    },
  },
  {
    id: 'demo-aza-high', given: 'Azahigh', gender: 'female', age: 39, expectedCodes: ['azathioprine-dose-high'],
    story: 'LN (M32.14) on Imuran 150 mg/day at 58 kg (2.6 mg/kg/day)',
    chart(c) {
      c.condition(CONDITIONS.glomerularDiseaseInSle, 1900);
      c.order(DRUGS.imuran50mg, { value: 3, unit: '{tbl}' }, 'QD', 950);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 950);
      c.result(ANALYTES.weight, 58, 'kg', 40);
      addBackground(c, { egfr: 90, creatinine: 0.7, upcr: 120 });
    },
  },
  {
    id: 'demo-aza-low', given: 'Azalow', gender: 'female', age: 30, expectedCodes: ['azathioprine-dose-low'],
    story: 'LN class V switched from MMF to azathioprine 50 mg/day 10 months ago (pregnancy planning) at 180 lb',
    chart(c) {
      c.condition(CONDITIONS.lnClassV, 500);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 430, { endDaysAgo: 300, status: 'completed' });
      c.order(DRUGS.azathioprine50mg, { value: 1, unit: '{tbl}' }, 'QD', 300);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 430);
      c.result(ANALYTES.weight, 180, '[lb_av]', 20);
      addBackground(c, { egfr: 99, creatinine: 0.7, upcr: 210 });
    },
  },
  {
    id: 'demo-overimmuno', given: 'Triple', gender: 'female', age: 33, expectedCodes: ['overimmunosuppression'],
    story: 'LN class III on tacrolimus + MMF, belimumab 200 mg weekly added 2 months ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 1000);
      addMultitarget(c, 700);
      c.order(DRUGS.belimumab, { value: 200, unit: 'mg' }, { frequency: 1, period: 1, periodUnit: 'wk' }, 60, { route: 'subcutaneous' });
      c.result(ANALYTES.tacrolimusTrough, 5.4, 'ng/mL', 15);
      addBackground(c, { egfr: 83, creatinine: 0.9, upcr: 290 });
    },
  },
  {
    id: 'demo-stopped-early', given: 'Stopped', gender: 'female', age: 26, expectedCodes: ['immunosuppression-stopped-early'],
    story: 'LN class IV in remission; MMF 1 g twice daily stopped 45 days ago after 18 months',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 700, 'remission');
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 600, { endDaysAgo: 45, status: 'completed' });
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 600, { endDaysAgo: 120, status: 'completed' });
      addBackground(c, { egfr: 101, creatinine: 0.6, upcr: 90 });
    },
  },
];

const CONTROL_PATIENTS: readonly PatientSpec[] = [
  {
    id: 'demo-control-transplant', given: 'Transplant', gender: 'male', age: 44, expectedCodes: [],
    story: 'Control: LN with a kidney transplant (Z94.0); trough 8.5 ng/mL and MMF 2 g/day are transplant targets, not LN',
    chart(c) {
      c.condition(CONDITIONS.glomerularDiseaseInSle, 4000, 'inactive');
      c.condition(CONDITIONS.kidneyTransplantStatus, 1100);
      c.order(DRUGS.tacrolimus1mg, { value: 4, unit: '{capsule}' }, 'BID', 1100);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 1100);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 1100);
      c.result(ANALYTES.tacrolimusTrough, 8.5, 'ng/mL', 10);
      addBackground(c, { egfr: 58, creatinine: 1.4, upcr: 80 });
    },
  },
  {
    id: 'demo-control-sle', given: 'Lupusonly', gender: 'female', age: 37, expectedCodes: [],
    story: 'Control: SLE without nephritis on tacrolimus 1 mg twice daily, trough 3.0 ng/mL (LN targets do not apply)',
    chart(c) {
      c.condition(CONDITIONS.sle, 2000);
      c.order(DRUGS.tacrolimus1mg, { value: 1, unit: '{capsule}' }, 'BID', 400);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 1800);
      c.result(ANALYTES.tacrolimusTrough, 3.0, 'ng/mL', 12);
      c.result(ANALYTES.egfr, 105, 'mL/min/{1.73_m2}', 12);
    },
  },
  {
    id: 'demo-control-stable', given: 'Stable', gender: 'female', age: 42, expectedCodes: [],
    story: 'Control: LN class V in remission, well-controlled multitarget therapy, trough 5.1 ng/mL 12 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassV, 1500, 'remission');
      addMultitarget(c, 800);
      c.result(ANALYTES.tacrolimusTrough, 4.7, 'ng/mL', 100);
      c.result(ANALYTES.tacrolimusTrough, 5.1, 'ng/mL', 12);
      c.result(ANALYTES.weight, 64, 'kg', 12);
      addBackground(c, { egfr: 78, creatinine: 0.9, upcr: 110 });
    },
  },
];

function buildPatientFrom(spec: PatientSpec, now: Date): DemoPatient {
  const chart = startChart(now, { id: spec.id, given: spec.given, family: FAMILY, gender: spec.gender, age: spec.age });
  spec.chart(chart);
  return { id: spec.id, name: `${spec.given} ${FAMILY}`, story: spec.story, expectedCodes: spec.expectedCodes, resources: chart.resources };
}

/** The demo patients for `now`: card patients first, then the controls. */
export function buildDemoPatients(now: Date): DemoPatient[] {
  return [...CARD_PATIENTS, ...CONTROL_PATIENTS].map((spec) => buildPatientFrom(spec, now));
}

/** Everything the demo FHIR server holds: the patients and the Sandbox's user. */
export function buildDemoResources(patients: readonly DemoPatient[]): fhir4.Resource[] {
  return [buildPractitioner(DEMO_PRACTITIONER_ID), ...patients.flatMap((patient) => patient.resources)];
}
