import { ANALYTES, CONDITIONS, DRUGS } from './chart';
import { addBackground, addMultitarget, type PatientSpec } from './patient-spec';

/** One patient per rule code of clinical-rules.md §5 that a patient-view can show. */
export const CARD_PATIENTS: readonly PatientSpec[] = [
  {
    id: 'demo-tac-low',
    given: 'Lowtrough',
    gender: 'female',
    age: 34,
    expectedCodes: ['tacrolimus-trough-low'],
    story:
      'LN class IV on Envarsus XR 4 mg once daily + MMF 500 mg/day; tacrolimus level 3.1 ng/mL 9 days ago',
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
    id: 'demo-tac-high',
    given: 'Hightrough',
    gender: 'male',
    age: 41,
    expectedCodes: ['tacrolimus-trough-high'],
    story:
      'LN (ICD-10-CM M32.14) on Prograf 3 mg twice daily + MMF; trough 10.6 nmol/L (8.5 ng/mL) 6 days ago',
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
    id: 'demo-tac-overdue',
    given: 'Overdue',
    gender: 'female',
    age: 29,
    expectedCodes: ['tacrolimus-trough-overdue'],
    story: 'LN class III on tacrolimus 2 mg twice daily for 14 months; last trough 140 days ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 900);
      addMultitarget(c, 430);
      c.result(ANALYTES.tacrolimusTrough, 5.2, 'ng/mL', 140);
      addBackground(c, { egfr: 96, creatinine: 0.7, upcr: 150 });
    },
  },
  {
    id: 'demo-tac-cyp3a4',
    given: 'Interaction',
    gender: 'female',
    age: 38,
    expectedCodes: ['tacrolimus-cyp3a4-interaction'],
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
    id: 'demo-mmf-low',
    given: 'Lowdose',
    gender: 'female',
    age: 45,
    expectedCodes: ['mycophenolate-dose-low'],
    story: 'LN in maintenance on Myfortic 180 mg twice daily (MPA 360 mg/day), no tacrolimus',
    chart(c) {
      c.condition(CONDITIONS.lnSyndrome, 2000);
      c.order(DRUGS.myfortic180mg, { value: 1, unit: '{tbl}' }, 'BID', 650);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 650);
      addBackground(c, { egfr: 70, creatinine: 0.9, upcr: 240 });
    },
  },
  {
    id: 'demo-mmf-high',
    given: 'Highdose',
    gender: 'female',
    age: 27,
    expectedCodes: ['mycophenolate-dose-high'],
    story: 'LN (M32.14) in maintenance on CellCept 1.5 g twice daily (3000 mg/day), no tacrolimus',
    chart(c) {
      c.condition(CONDITIONS.glomerularDiseaseInSle, 1000);
      c.order(DRUGS.cellcept500mg, { value: 3, unit: '{tbl}' }, 'BID', 700);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 700);
      addBackground(c, { egfr: 64, creatinine: 1.1, upcr: 200 });
    },
  },
  {
    id: 'demo-mmf-renal',
    given: 'Renaldose',
    gender: 'male',
    age: 52,
    expectedCodes: ['mycophenolate-renal-dose'],
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
    id: 'demo-mpa-trough',
    given: 'Mpatrough',
    gender: 'female',
    age: 36,
    expectedCodes: ['mpa-trough-low'],
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
    id: 'demo-mpa-auc',
    given: 'Aucrange',
    gender: 'female',
    age: 31,
    expectedCodes: ['mpa-auc-out-of-range'],
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
    id: 'demo-steroid-high',
    given: 'Steroid',
    gender: 'female',
    age: 48,
    expectedCodes: ['glucocorticoid-dose-high'],
    story:
      'LN class IV in maintenance on MMF 750 mg twice daily + methylprednisolone 8 mg/day (10 mg prednisone)',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 1600);
      c.order(DRUGS.mmf250mg, { value: 3, unit: '{capsule}' }, 'BID', 900);
      c.order(DRUGS.methylprednisolone, { value: 8, unit: 'mg' }, 'QD', 240);
      addBackground(c, { egfr: 67, creatinine: 1.0, upcr: 380 });
    },
  },
  {
    id: 'demo-aza-high',
    given: 'Azahigh',
    gender: 'female',
    age: 39,
    expectedCodes: ['azathioprine-dose-high'],
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
    id: 'demo-aza-low',
    given: 'Azalow',
    gender: 'female',
    age: 30,
    expectedCodes: ['azathioprine-dose-low'],
    story:
      'LN class V switched from MMF to azathioprine 50 mg/day 10 months ago (pregnancy planning) at 180 lb',
    chart(c) {
      c.condition(CONDITIONS.lnClassV, 500);
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 430, {
        endDaysAgo: 300,
        status: 'completed',
      });
      c.order(DRUGS.azathioprine50mg, { value: 1, unit: '{tbl}' }, 'QD', 300);
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 430);
      c.result(ANALYTES.weight, 180, '[lb_av]', 20);
      addBackground(c, { egfr: 99, creatinine: 0.7, upcr: 210 });
    },
  },
  {
    id: 'demo-overimmuno',
    given: 'Triple',
    gender: 'female',
    age: 33,
    expectedCodes: ['overimmunosuppression'],
    story: 'LN class III on tacrolimus + MMF, belimumab 200 mg weekly added 2 months ago',
    chart(c) {
      c.condition(CONDITIONS.lnClassIII, 1000);
      addMultitarget(c, 700);
      c.order(
        DRUGS.belimumab,
        { value: 200, unit: 'mg' },
        { frequency: 1, period: 1, periodUnit: 'wk' },
        60,
        { route: 'subcutaneous' },
      );
      c.result(ANALYTES.tacrolimusTrough, 5.4, 'ng/mL', 15);
      addBackground(c, { egfr: 83, creatinine: 0.9, upcr: 290 });
    },
  },
  {
    id: 'demo-stopped-early',
    given: 'Stopped',
    gender: 'female',
    age: 26,
    expectedCodes: ['immunosuppression-stopped-early'],
    story: 'LN class IV in remission; MMF 1 g twice daily stopped 45 days ago after 18 months',
    chart(c) {
      c.condition(CONDITIONS.lnClassIV, 700, 'remission');
      c.order(DRUGS.mmf500mg, { value: 2, unit: '{tbl}' }, 'BID', 600, {
        endDaysAgo: 45,
        status: 'completed',
      });
      c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', 600, {
        endDaysAgo: 120,
        status: 'completed',
      });
      addBackground(c, { egfr: 101, creatinine: 0.6, upcr: 90 });
    },
  },
];
