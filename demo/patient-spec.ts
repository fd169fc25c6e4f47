import type { RuleCode } from '../src/logic/vocabulary/rule-codes';
import { ANALYTES, DRUGS, type Chart } from './chart';

/** One demo patient as written: who, what the chart holds, and the cards it must show. */
export interface PatientSpec {
  readonly id: string;
  readonly given: string;
  readonly gender: 'female' | 'male';
  readonly age: number;
  readonly story: string;
  readonly expectedCodes: readonly RuleCode[];
  readonly chart: (chart: Chart) => void;
}

/** What most LN charts also hold: hydroxychloroquine, an ACE inhibitor and recent renal labs. */
export function addBackground(
  c: Chart,
  labs: { readonly egfr: number; readonly creatinine: number; readonly upcr: number },
): void {
  c.order(DRUGS.hydroxychloroquine, { value: 1, unit: '{tbl}' }, 'BID', 1500);
  c.order(DRUGS.lisinopril, { value: 10, unit: 'mg' }, 'QD', 1200);
  c.result(ANALYTES.creatinine, labs.creatinine, 'mg/dL', 7);
  c.result(ANALYTES.egfr, labs.egfr, 'mL/min/{1.73_m2}', 7);
  c.result(ANALYTES.urineProteinCreatinine, labs.upcr, 'mg/g', 7);
}

/** Multitarget maintenance (tacrolimus + MMF 500 mg/day + low-dose prednisone), KDIGO 2024. */
export function addMultitarget(c: Chart, startDaysAgo: number, tacrolimusCapsulesBid = 2): void {
  c.order(DRUGS.tacrolimus1mg, { value: tacrolimusCapsulesBid, unit: '{capsule}' }, 'BID', startDaysAgo);
  c.order(DRUGS.mmf250mg, { value: 1, unit: '{capsule}' }, 'BID', startDaysAgo);
  c.order(DRUGS.prednisone5mg, { value: 1, unit: '{tbl}' }, 'QD', startDaysAgo);
}
