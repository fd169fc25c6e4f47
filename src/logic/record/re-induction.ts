import { readDosePerAdministration } from '../dose/daily-dose';
import { addMonths } from '../time/fhir-time';
import { listOf } from './fhir-list';
import type { MedicationOrder, ReInduction } from '../rules/rule';
import type { Targets } from '../targets';

/**
 * clinical-rules-wave2.md §4.7a: a flare treated with a new induction is recognised by its
 * treatment, not by a "relapse" Condition (problem lists are re-entered and rarely dated to the
 * flare). An event is the start (§4) of
 *   (a) a cyclophosphamide order (in LN given only for induction),
 *   (b) an anti-CD20 order (rituximab / obinutuzumab for relapsing or refractory LN, KDIGO 2024),
 *   (c) a methylprednisolone order given intravenously with a single dose ≥ 250 mg (a pulse;
 *       KDIGO 2024: 0.25–0.5 g/day),
 * at or after therapy start + 6 months. Events less than 6 months after the previous event belong to
 * the same course; R is the first event of the latest course. A discontinuing draft starts nothing.
 */
export function findReInduction(
  orders: readonly MedicationOrder[],
  therapyStart: Date | undefined,
  now: Date,
  targets: Targets,
  note: (reason: string) => void,
): ReInduction | undefined {
  if (therapyStart === undefined) return undefined;
  const { afterTherapyStartMonths, sameCourseMonths } = targets.reInduction;
  const earliest = addMonths(therapyStart, afterTherapyStartMonths).getTime();
  const events: { readonly start: Date; readonly order: MedicationOrder }[] = [];
  for (const order of orders) {
    if (order.discontinuesGroup || !isReInductionTreatment(order, now, targets, note)) continue;
    if (order.start === undefined) {
      note(`re-induction: ${order.product.ingredient} order without a start date not counted`);
      continue;
    }
    if (order.start.getTime() >= earliest) events.push({ start: order.start, order });
  }
  events.sort((a, b) => a.start.getTime() - b.start.getTime());
  let courseStart: (typeof events)[number] | undefined;
  let previous: Date | undefined;
  for (const event of events) {
    if (previous === undefined || event.start.getTime() >= addMonths(previous, sameCourseMonths).getTime()) {
      courseStart = event;
    }
    previous = event.start;
  }
  return courseStart && { start: courseStart.start, order: courseStart.order };
}

function isReInductionTreatment(
  order: MedicationOrder,
  now: Date,
  targets: Targets,
  note: (reason: string) => void,
): boolean {
  if (order.group === 'cyclophosphamide' || order.group === 'anti-CD20') return true;
  if (order.product.ingredient !== 'methylprednisolone') return false;
  return isIntravenousPulse(order, targets.reInduction.methylprednisolonePulseMinMg, now, note);
}

/**
 * (c): one dosage instruction given intravenously whose single dose (§2 dose per administration)
 * is ≥ the pulse minimum. An oral methylprednisolone dose, however large, is not a pulse (oral
 * bursts treat extrarenal flares and other illnesses); a dose that cannot be read is not counted.
 */
function isIntravenousPulse(
  order: MedicationOrder,
  minMg: number,
  now: Date,
  note: (reason: string) => void,
): boolean {
  for (const dosage of listOf(order.request.dosageInstruction)) {
    if (!isIntravenous(dosage.route)) continue;
    const dose = readDosePerAdministration(dosage, { now, strength: order.product.strength });
    if (!dose.ok) {
      note(`re-induction: intravenous methylprednisolone dose unreadable (${dose.reason})`);
      continue;
    }
    if (Math.round(dose.mg * 100) / 100 >= minMg) return true;
  }
  return false;
}

/**
 * SNOMED CT 47625008 "Intravenous route" (the R4 `Dosage.route` example value set, SNOMED CT
 * descendants of 284009009 Route of administration; used by the R4 MedicationRequest examples),
 * or a route text / display naming the intravenous route as a whole word ("intravenous",
 * "Injection, intravenous", "IV", "i.v."). A route that also names the oral route ("IV/PO") is
 * ambiguous and not read as intravenous.
 */
const SNOMED_SYSTEM = 'http://snomed.info/sct';
const SNOMED_INTRAVENOUS = '47625008';
const SNOMED_ORAL = '26643006';
const INTRAVENOUS_WORDS = /(?<![\p{L}\p{N}])(intravenous(ly)?|iv|i\.v\.?)(?![\p{L}\p{N}])/iu;
const ORAL_WORDS = /(?<![\p{L}\p{N}])(oral(ly)?|po|p\.o\.?|by mouth|swallow)(?![\p{L}\p{N}])/iu;

function isIntravenous(route: fhir4.CodeableConcept | undefined): boolean {
  if (route === undefined) return false;
  const codings = listOf(route.coding);
  const texts = [route.text, ...codings.map((c) => c.display)].filter(
    (t): t is string => typeof t === 'string',
  );
  const coded = (code: string): boolean =>
    codings.some((c) => c.system === SNOMED_SYSTEM && c.code?.trim() === code);
  if (coded(SNOMED_ORAL) || texts.some((text) => ORAL_WORDS.test(text))) return false;
  return coded(SNOMED_INTRAVENOUS) || texts.some((text) => INTRAVENOUS_WORDS.test(text));
}
