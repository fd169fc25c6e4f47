import type { LabelledProduct } from '../cards/sources';
import type { DailyDose } from '../dose/daily-dose';
import type { HookName, OptionalData } from '../record/patient-record';
import type { DrugGroup, ProductEntry } from '../vocabulary/medication-groups';
import type { ObservationGroupKey } from '../vocabulary/observation-groups';
import type { RuleCode } from '../vocabulary/rule-codes';
import type { Targets } from '../targets';

/**
 * The rule-module contract. A rule is a module exporting a `Rule`: it reads the `RuleContext`
 * computed once per decision and returns plain `Finding`s; src/logic/cards/cards.ts alone turns
 * findings into CDS Hooks cards. Rules never throw on bad data: they stay silent and `note()` why.
 */
export interface Rule {
  readonly code: RuleCode;
  evaluate(context: RuleContext): readonly Finding[];
}

export type Indicator = 'info' | 'warning' | 'critical';

// ---------------------------------------------------------------------------------------------
// Context (computed once per decide())

/** §1: the LN gate and the transplant gate. Rules only run when `inScope`. */
export type ScopeGate =
  | { readonly inScope: true; readonly lupusNephritisConditionIds: readonly string[] }
  | { readonly inScope: false; readonly reason: 'no-lupus-nephritis' | 'transplant' };

/** One MedicationRequest of a drug of §2, systemic, not entered-in-error. */
export interface MedicationOrder {
  /** `MedicationRequest/<id>` when the resource has an id. */
  readonly reference?: string;
  readonly request: fhir4.MedicationRequest;
  /** The resolved `medicationReference`, if any. */
  readonly medication?: fhir4.Medication;
  readonly group: DrugGroup;
  /** Ingredient, MMF/MPA kind, product strength (known RxNorm product or Medication.ingredient). */
  readonly product: ProductEntry;
  /** A draft order of this order hook (context.draftOrders). */
  readonly isDraft: boolean;
  /** A draft with status stopped / cancelled / completed: it discontinues its group now (§2). */
  readonly discontinuesGroup: boolean;
  /** §4: boundsPeriod.start, else authoredOn; a draft without either starts now. */
  readonly start?: Date;
  /**
   * §4: planned end (boundsPeriod.end or start + boundsDuration); for a stopped / completed
   * order without an end, and for a discontinuing draft: now. Undefined = no planned end.
   */
  readonly end?: Date;
  /**
   * The planned end as the order states it (boundsPeriod.end or start + boundsDuration), never
   * replaced by "now"; undefined when the order states none or it cannot be read. Wave 2 §3: a
   * continuous glucocorticoid run joins an older order only through an end the order states.
   */
  readonly plannedEnd?: Date;
  /** Active or on-hold with no end or a future end (drafts: any status but a discontinuation). */
  readonly isActive: boolean;
  /** Active after the drafts are applied: drafts supersede the same group's active orders. */
  readonly isCurrent: boolean;
}

export type Phase = 'induction' | 'maintenance';

/** When LN immunosuppression as a whole ends, after the drafts are applied (§5). */
export type PlannedEnd =
  { readonly kind: 'never' } | { readonly kind: 'at'; readonly at: Date } | { readonly kind: 'no-therapy' };

/** Wave 2 §4.7a: the first event of the latest re-induction course (R) and the order that started it. */
export interface ReInduction {
  readonly start: Date;
  readonly order: MedicationOrder;
}

export interface Timeline {
  /** §4: earliest start of any LN immunosuppressant order, drafts included. */
  readonly therapyStart?: Date;
  /**
   * §4: undefined when there is no therapy start. Wave 2 §4.7a: induction also while now < R + 6
   * months after a re-induction R.
   */
  readonly phase?: Phase;
  /** Wave 2 §4.7a: the latest re-induction course, if any (it restarts the 36-month clock). */
  readonly reInduction?: ReInduction;
  /** Induction because of `reInduction` (now < R + 6 months), not because of the first therapy start. */
  readonly inductionFromReInduction: boolean;
  /** First start of each drug group (renewals do not reset it, §7). */
  readonly firstStartByGroup: ReadonlyMap<DrugGroup, Date>;
  /** §5 premature discontinuation: latest end over all LN immunosuppressant orders. */
  readonly plannedEnd: PlannedEnd;
  /** §7: an order-hook draft stops an LN immunosuppressant or gives it an end. */
  readonly draftChangesLnPlan: boolean;
}

export type Comparator = '<' | '<=' | '>' | '>=';

/** An Observation value converted to its group's canonical unit, rounded to two decimals (§7). */
export type Reading =
  | {
      readonly ok: true;
      readonly value: number;
      readonly unit: string;
      readonly comparator?: Comparator;
      /** As reported, for the card ("9 nmol/L"). */
      readonly reported: { readonly value: number; readonly unit: string };
    }
  | { readonly ok: false; readonly reason: string };

/** The latest result of an analyte group (§3, §7), readable or not. */
export interface LatestResult {
  readonly observation: fhir4.Observation;
  readonly at: Date;
  readonly reading: Reading;
}

/** A latest result whose value could be read. */
export type ReadableResult = LatestResult & { readonly reading: Extract<Reading, { ok: true }> };

export interface RuleContext {
  readonly now: Date;
  readonly hook: HookName;
  /** The patient's logical id (for proposed resources' `subject`). */
  readonly patientId: string;
  /** order-select, order-sign, medication-prescribe. */
  readonly isOrderHook: boolean;
  readonly targets: Targets;
  readonly scope: ScopeGate;
  /** Every classified systemic order of a §2 drug, history and drafts. */
  readonly orders: readonly MedicationOrder[];
  /** The orders in force once the drafts are applied. */
  readonly currentOrders: readonly MedicationOrder[];
  readonly currentGroups: ReadonlySet<DrugGroup>;
  /** The classified drafts of this hook (unrelated drafts are not here). */
  readonly drafts: readonly MedicationOrder[];
  readonly timeline: Timeline;
  /** The latest result of each analyte group (no window applied: rules apply their own). */
  readonly latest: Readonly<Partial<Record<ObservationGroupKey, LatestResult>>>;
  /** Gender and birth date, when the Patient could be read (rule 7b). */
  readonly patient?: fhir4.Patient;
  /** Every Condition of the record (pregnancy, retinal toxicity; the gates have run already). */
  readonly conditions: readonly fhir4.Condition[];
  /** Every Observation of the record, for rules that need more than the latest (pregnancy, eGFR baseline). */
  readonly observations: readonly fhir4.Observation[];
  readonly allergies: readonly fhir4.AllergyIntolerance[];
  /** Optional data that could not be read: a rule that needs it stays silent and notes why. */
  readonly unavailable: ReadonlySet<OptionalData>;
  /**
   * §2 daily dose of an order at `now` (computeDailyDose), computed once per decision: several
   * rules read the same orders (the mycophenolate dose is read by three).
   */
  dailyDoseOf(order: MedicationOrder): DailyDose;
  /** Why a rule stayed silent — for the debug log. Never PHI (no names, no values with ids). */
  note(reason: string): void;
}

// ---------------------------------------------------------------------------------------------
// Findings (plain data; cards.ts renders them)

/** The patient's number the finding is about. */
export interface Measurement {
  /** "Tacrolimus trough", "Mycophenolate mofetil daily dose". */
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly comparator?: Comparator;
  /** FHIR date/dateTime of the result, when it is a result. */
  readonly date?: string;
  /** As reported when a conversion was needed ("9 nmol/L"). */
  readonly reported?: { readonly value: number; readonly unit: string };
  /** `Observation/<id>` of the result: it triggered the card as much as any evidence. */
  readonly reference?: string;
}

/** The target the number was compared with, and where the target comes from. */
export interface TargetUsed {
  /** "LN maintenance target", "MMF maintenance range". */
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
  readonly unit: string;
  /** "KDIGO 2024", "CellCept label", "literature target (not a guideline)". */
  readonly source: string;
}

/** One piece of evidence shown in the card detail. */
export interface Evidence {
  readonly label: string;
  readonly value?: string;
  /** FHIR date/dateTime. */
  readonly date?: string;
  /** `Observation/…`, `MedicationRequest/…`. */
  readonly reference?: string;
}

/** A daily dose and how it was computed ("2 × 500 mg tablets twice daily"). */
export interface DoseUsed {
  readonly mgPerDay: number;
  readonly how: string;
  /** Per body weight: the dose, the weight it was divided by, and that weight's date. */
  readonly mgPerKgPerDay?: number;
  readonly weightKg?: number;
  readonly weightDate?: string;
}

export interface Finding {
  readonly code: RuleCode;
  readonly indicator: Indicator;
  readonly measured?: Measurement;
  readonly target?: TargetUsed;
  /** below / above / outside the target: drives the summary wording. */
  readonly direction?: 'below' | 'above' | 'outside';
  readonly evidence: readonly Evidence[];
  readonly dose?: DoseUsed;
  /** The draft order (`MedicationRequest/<id>` or its id) this finding concerns. */
  readonly draftOrderId?: string;
  /** Order hooks: the draft rewritten to an in-range dose (whole resource) → an `update` action. */
  readonly proposedDraft?: fhir4.MedicationRequest;
  /** A resource to propose as a `create` action (e.g. a tacrolimus trough ServiceRequest). */
  readonly proposedCreate?: fhir4.ServiceRequest;
  /** The label of that suggestion ("Order serum creatinine with eGFR"); default: the trough's. */
  readonly proposedCreateLabel?: string;
  /** Order hooks: a draft to remove (`MedicationRequest/<id>`) → a `delete` action with this label. */
  readonly proposedDelete?: { readonly reference: string; readonly label: string };
  /** The products whose DailyMed label the card links: the ones actually ordered (§6). */
  readonly labelledProducts?: readonly LabelledProduct[];
  /** Rule-specific facts for the wording (e.g. monthsCompleted, interacting drug names). */
  readonly facts?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
}
