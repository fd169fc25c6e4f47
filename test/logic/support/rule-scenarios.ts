import { decide, type Decision } from '../../../src/logic/decide';
import type { CdsCard } from '../../../src/logic/cards/cards';
import type { PatientRecord } from '../../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../../src/logic/targets';
import type { RuleCode } from '../../../src/logic/vocabulary/rule-codes';
import { NOW, record, result } from '../record-builders';

/**
 * Scenarios of one rule, at the fixed `NOW`, with every optional data key read (nothing
 * unavailable) unless the scenario says otherwise: `fires` and `cardsOf` look at that rule's cards only.
 */
export interface RuleScenarios {
  decideWith(parts: Partial<PatientRecord>): Decision;
  cardsOf(parts: Partial<PatientRecord>): CdsCard[];
  fires(parts: Partial<PatientRecord>): boolean;
}

export function scenariosOf(code: RuleCode, defaults: Partial<PatientRecord> = {}): RuleScenarios {
  const decideWith = (parts: Partial<PatientRecord>): Decision =>
    decide({
      record: record({ unavailable: new Set(), ...defaults, ...parts }),
      now: NOW,
      newId: () => 'id',
      targets: DEFAULT_TARGETS,
    });
  const cardsOf = (parts: Partial<PatientRecord>): CdsCard[] =>
    decideWith(parts).cards.filter((card) => card.source.topic?.code === code);
  return { decideWith, cardsOf, fires: (parts) => cardsOf(parts).length === 1 };
}

/** An eGFR (LOINC 98979-8, CKD-EPI 2021) in mL/min/1.73 m². */
export function egfrResult(
  value: number,
  date: string,
  extra: { readonly unit?: string; readonly comparator?: fhir4.Quantity['comparator'] } = {},
): fhir4.Observation {
  return result({
    loinc: '98979-8',
    value,
    unit: extra.unit ?? 'mL/min/{1.73_m2}',
    comparator: extra.comparator,
    date,
  });
}
