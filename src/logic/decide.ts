import type { PatientRecord } from './patient-record';
import type { Finding, Rule } from './rule';
import type { RuleCode } from './rule-codes';
import type { Targets } from './targets';

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

export interface CdsCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: { system: string; code: string; display?: string } };
  suggestions?: unknown[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: { system?: string; code: string; display?: string }[];
  links?: { label: string; url: string; type: 'absolute' | 'smart'; appContext?: string }[];
}

export interface Decision {
  readonly cards: CdsCard[];
  /** The plain findings the cards were built from (for tests and the debug log). */
  readonly findings: readonly Finding[];
  /** Why a rule stayed silent on unreadable data: goes to the debug log. Never PHI. */
  readonly notes: string[];
}

/** The registered rule modules, in card order. */
export const RULES: readonly Rule[] = [];

export function decide(_input: DecideInput): Decision {
  return { cards: [], findings: [], notes: [] };
}

/** Rule codes the engine implements (the acceptance runner marks other cases pending). */
export const IMPLEMENTED_RULE_CODES: readonly RuleCode[] = RULES.map((rule) => rule.code);
