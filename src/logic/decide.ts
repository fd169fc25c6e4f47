import { buildCards, type CdsCard } from './cards/cards';
import type { PatientRecord } from './record/patient-record';
import type { Finding, Rule } from './rules/rule';
import type { RuleCode, RuleMode } from './vocabulary/rule-codes';
import { buildRuleContext } from './record/rule-context';
import { azathioprineDoseHigh, azathioprineDoseLow } from './rules/azathioprine-dose';
import { glucocorticoidAbruptStop } from './rules/glucocorticoid-abrupt-stop';
import { azathioprineAllopurinol } from './rules/azathioprine-allopurinol';
import { azathioprineFebuxostat } from './rules/azathioprine-febuxostat';
import { glucocorticoidDoseHigh } from './rules/glucocorticoid-dose';
import { immunosuppressionStoppedEarly } from './rules/immunosuppression-stopped-early';
import { mpaAucOutOfRange } from './rules/mpa-auc';
import { mpaTroughLow } from './rules/mpa-trough-low';
import { mycophenolateDoseHigh, mycophenolateDoseLow } from './rules/mycophenolate-dose';
import { mycophenolateRenalDose } from './rules/mycophenolate-renal-dose';
import { mycophenolatePregnancyTestMissing } from './rules/mycophenolate-pregnancy-test-missing';
import { overimmunosuppression } from './rules/overimmunosuppression';
import { pregnancyTeratogenicDrug } from './rules/pregnancy-teratogenic-drug';
import { tacrolimusCyp3a4Interaction } from './rules/tacrolimus-cyp3a4-interaction';
import { tacrolimusTroughHigh } from './rules/tacrolimus-trough-high';
import { tacrolimusTroughLow } from './rules/tacrolimus-trough-low';
import { tacrolimusTroughOverdue } from './rules/tacrolimus-trough-overdue';
import { voclosporinStrongCyp3a4Inhibitor } from './rules/voclosporin-strong-cyp3a4-inhibitor';
import { cniKidneyFunctionOverdue } from './rules/cni-kidney-function-overdue';
import { cniEgfrDecline } from './rules/cni-egfr-decline';
import { hydroxychloroquineNotPrescribed } from './rules/hydroxychloroquine-not-prescribed';
import { evaluateScopeGate } from './record/scope-gate';
import type { Targets } from './targets';

export type { CdsCard } from './cards/cards';

/**
 * The entry point the HTTP layer calls once per hook: pure, no I/O, no clock (`now` is given),
 * ids from the injected generator so tests can compare whole responses.
 */
export interface DecideInput {
  readonly record: PatientRecord;
  readonly now: Date;
  readonly newId: () => string;
  /** The validated, frozen targets (DEFAULT_TARGETS or the site's CDS_TARGETS_FILE). */
  readonly targets: Targets;
  /** Each rule's mode for this call (CDS_RULES_FILE); absent: every rule active. */
  readonly modeOf?: (code: RuleCode) => RuleMode;
}

export interface Decision {
  /** The cards of active rules: the answer. */
  readonly cards: CdsCard[];
  /** The cards of rules in shadow mode: recorded, never returned. */
  readonly shadowCards: CdsCard[];
  /** Per card uuid, the references of the resources that triggered it (the audit trail). */
  readonly triggers: ReadonlyMap<string, readonly string[]>;
  /** The plain findings the cards were built from (for tests and the debug log). */
  readonly findings: readonly Finding[];
  /** Why a rule stayed silent on unreadable data: goes to the debug log. Never PHI. */
  readonly notes: string[];
}

/** The registered rule modules, in card order. */
export const RULES: readonly Rule[] = [
  tacrolimusTroughLow,
  tacrolimusTroughHigh,
  tacrolimusTroughOverdue,
  tacrolimusCyp3a4Interaction,
  mycophenolateDoseLow,
  mycophenolateDoseHigh,
  mycophenolateRenalDose,
  mpaTroughLow,
  mpaAucOutOfRange,
  glucocorticoidDoseHigh,
  azathioprineDoseHigh,
  azathioprineDoseLow,
  overimmunosuppression,
  immunosuppressionStoppedEarly,
  glucocorticoidAbruptStop,
  pregnancyTeratogenicDrug,
  mycophenolatePregnancyTestMissing,
  azathioprineFebuxostat,
  azathioprineAllopurinol,
  voclosporinStrongCyp3a4Inhibitor,
  cniKidneyFunctionOverdue,
  cniEgfrDecline,
  hydroxychloroquineNotPrescribed,
];

/** Rule codes the engine implements (the acceptance runner marks other cases pending). */
export const IMPLEMENTED_RULE_CODES: readonly RuleCode[] = RULES.map((rule) => rule.code);

export function decide(input: DecideInput): Decision {
  const notes = new Set<string>();
  const note = (reason: string): void => {
    notes.add(reason);
  };
  try {
    return decideWithin(input, note, notes);
  } catch (error) {
    // Never block prescribing: unexpected data that slipped past src/fhir gives no cards, and says so.
    note(`decision failed (${error instanceof Error ? error.name : 'unknown error'}): no cards`);
    return { cards: [], shadowCards: [], triggers: NO_TRIGGERS, findings: [], notes: [...notes] };
  }
}

function decideWithin(input: DecideInput, note: (reason: string) => void, notes: Set<string>): Decision {
  const scope = evaluateScopeGate(input.record.conditions);
  if (!scope.inScope) {
    note(
      scope.reason === 'transplant'
        ? 'transplant recorded: no LN cards'
        : 'no lupus nephritis condition: no cards',
    );
    return { cards: [], shadowCards: [], triggers: NO_TRIGGERS, findings: [], notes: [...notes] };
  }
  const context = buildRuleContext(input.record, input.now, input.targets, scope, note);
  const findings: Finding[] = [];
  const modeOf = input.modeOf ?? allActive;
  for (const rule of RULES) {
    if (modeOf(rule.code) === 'off') continue;
    try {
      findings.push(...rule.evaluate(context));
    } catch (error) {
      // A rule that fails on unexpected data is silent, and says so; the other rules still run.
      note(`${rule.code}: rule failed (${error instanceof Error ? error.name : 'unknown error'})`);
    }
  }
  const cards = buildCards(findings, input.newId);
  const shown: CdsCard[] = [];
  const shadowCards: CdsCard[] = [];
  const triggers = new Map<string, readonly string[]>();
  findings.forEach((finding, index) => {
    const card = cards[index];
    if (card === undefined) return;
    triggers.set(card.uuid, triggersOf(finding));
    (modeOf(finding.code) === 'shadow' ? shadowCards : shown).push(card);
  });
  return { cards: shown, shadowCards, triggers, findings, notes: [...notes] };
}

const NO_TRIGGERS: ReadonlyMap<string, readonly string[]> = new Map();

/** The resources a finding rests on: the result it measured, its evidence and the draft it concerns. */
function triggersOf(finding: Finding): string[] {
  const references = new Set<string>();
  if (finding.measured?.reference !== undefined) references.add(finding.measured.reference);
  for (const evidence of finding.evidence) if (evidence.reference !== undefined) references.add(evidence.reference);
  if (finding.draftOrderId !== undefined) {
    references.add(finding.draftOrderId.includes('/') ? finding.draftOrderId : `MedicationRequest/${finding.draftOrderId}`);
  }
  return [...references];
}

function allActive(): RuleMode {
  return 'active';
}
