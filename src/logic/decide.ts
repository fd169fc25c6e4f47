import type { PatientRecord } from './patient-record';

/**
 * The entry point the HTTP layer calls once per hook: pure, no I/O, no clock (`now` is given),
 * ids from the injected generator so tests can compare whole responses.
 * PLACEHOLDER until the rule engine lands.
 */
export interface DecideInput {
  readonly record: PatientRecord;
  readonly now: Date;
  readonly newId: () => string;
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
  /** Why a rule stayed silent on unreadable data: goes to the debug log. Never PHI. */
  readonly notes: string[];
}

export function decide(_input: DecideInput): Decision {
  return { cards: [], notes: [] };
}

/** Rule codes the engine implements (the acceptance runner marks other cases pending). */
export const IMPLEMENTED_RULE_CODES: readonly string[] = [];
