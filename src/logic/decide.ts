import { buildCards, type CdsCard } from './cards/cards';
import type { PatientRecord } from './record/patient-record';
import type { Finding, Rule } from './rules/rule';
import type { RuleCode } from './vocabulary/rule-codes';
import { buildRuleContext } from './record/rule-context';
import { azathioprineDoseHigh, azathioprineDoseLow } from './rules/azathioprine-dose';
import { glucocorticoidDoseHigh } from './rules/glucocorticoid-dose';
import { immunosuppressionStoppedEarly } from './rules/immunosuppression-stopped-early';
import { mpaAucOutOfRange } from './rules/mpa-auc';
import { mpaTroughLow } from './rules/mpa-trough-low';
import { mycophenolateDoseHigh, mycophenolateDoseLow } from './rules/mycophenolate-dose';
import { mycophenolateRenalDose } from './rules/mycophenolate-renal-dose';
import { overimmunosuppression } from './rules/overimmunosuppression';
import { tacrolimusCyp3a4Interaction } from './rules/tacrolimus-cyp3a4-interaction';
import { tacrolimusTroughHigh } from './rules/tacrolimus-trough-high';
import { tacrolimusTroughLow } from './rules/tacrolimus-trough-low';
import { tacrolimusTroughOverdue } from './rules/tacrolimus-trough-overdue';
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
}

export interface Decision {
  readonly cards: CdsCard[];
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
    return { cards: [], findings: [], notes: [...notes] };
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
    return { cards: [], findings: [], notes: [...notes] };
  }
  const context = buildRuleContext(input.record, input.now, input.targets, scope, note);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    try {
      findings.push(...rule.evaluate(context));
    } catch (error) {
      // A rule that fails on unexpected data is silent, and says so; the other rules still run.
      note(`${rule.code}: rule failed (${error instanceof Error ? error.name : 'unknown error'})`);
    }
  }
  return { cards: buildCards(findings, input.newId), findings, notes: [...notes] };
}
