import { ANALYTES, CONDITIONS, DRUGS } from './chart';
import { addBackground, addMultitarget, type PatientSpec } from './patient-spec';

/** Patients that must show no card: the transplant gate, SLE without LN, a well-controlled LN. */
export const CONTROL_PATIENTS: readonly PatientSpec[] = [
  {
    id: 'demo-control-transplant',
    given: 'Transplant',
    gender: 'male',
    age: 44,
    expectedCodes: [],
    story:
      'Control: LN with a kidney transplant (Z94.0); trough 8.5 ng/mL and MMF 2 g/day are transplant targets, not LN',
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
    id: 'demo-control-sle',
    given: 'Lupusonly',
    gender: 'female',
    age: 37,
    expectedCodes: [],
    story:
      'Control: SLE without nephritis on tacrolimus 1 mg twice daily, trough 3.0 ng/mL (LN targets do not apply)',
    chart(c) {
      c.condition(CONDITIONS.sle, 2000);
      c.order(DRUGS.tacrolimus1mg, { value: 1, unit: '{capsule}' }, 'BID', 400);
      c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 1800);
      c.result(ANALYTES.tacrolimusTrough, 3.0, 'ng/mL', 12);
      c.result(ANALYTES.egfr, 105, 'mL/min/{1.73_m2}', 12);
    },
  },
  {
    id: 'demo-control-stable',
    given: 'Stable',
    gender: 'female',
    age: 42,
    expectedCodes: [],
    story:
      'Control: LN class V in remission, well-controlled multitarget therapy, trough 5.1 ng/mL 12 days ago',
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
