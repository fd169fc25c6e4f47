import type { RuleCode } from '../src/logic/vocabulary/rule-codes';
import { ANALYTES, DRUGS, type Chart } from './chart';

/** The order hooks a demo patient can be shown in (the CDS Hooks Sandbox's Rx View and Rx Sign). */
export type OrderHook = 'order-select' | 'order-sign';
export type DemoHook = 'patient-view' | OrderHook;

/**
 * A medication from the CDS Hooks Sandbox's own RxNorm list (cds-hooks/sandbox
 * src/assets/medication-list.js, `cuiToName`): the only medications its Rx View and Rx Sign offer.
 */
export interface SandboxMedication {
  readonly code: string;
  readonly name: string;
}

/** What the Sandbox's order form is prefilled with: medication, pills per dose, frequency, end. */
export interface SandboxOrderSpec {
  readonly medication: SandboxMedication;
  readonly number: number;
  readonly frequency: 'daily' | 'bid' | 'tid' | 'qid';
  /** The order's end date, this many days after now. */
  readonly endInDays?: number;
}

/** A patient shown in an order hook: the hook, the draft orders it sends, and the Sandbox's form. */
export interface OrderHookSpec {
  readonly hook: OrderHook;
  /** Fills `context.draftOrders` (and, for order-select, `selections`) with `chart.draft`. */
  readonly drafts: (chart: Chart) => void;
  /**
   * The nearest order the Sandbox's form can write. The Sandbox cannot send a discontinuation
   * (its drafts always have status `draft`): a stop is entered as an order that ends soon.
   */
  readonly sandbox: SandboxOrderSpec;
}

/** One demo patient as written: who, what the chart holds, and the cards it must show. */
export interface PatientSpec {
  readonly id: string;
  readonly given: string;
  readonly gender: 'female' | 'male';
  readonly age: number;
  readonly story: string;
  readonly expectedCodes: readonly RuleCode[];
  readonly chart: (chart: Chart) => void;
  /** Absent: the patient is shown in patient-view. */
  readonly order?: OrderHookSpec;
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
