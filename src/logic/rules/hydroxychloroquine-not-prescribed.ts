import { formatDate } from '../time/fhir-time';
import { ANTIMALARIAL_GROUPS } from '../vocabulary/medication-groups';
import {
  namesAntimalarial,
  recordsAntimalarialRetinopathy,
} from '../vocabulary/hydroxychloroquine-contraindications';
import { isRecorded } from '../record/scope-gate';
import { listOf } from '../record/fhir-list';
import type { Evidence, Finding, MedicationOrder, Rule, RuleContext } from './rule';
import { describeOrder } from '../cards/evidence';

/**
 * clinical-rules-wave2.md §4.5 rule 5a, patient-view only (a care-gap reminder; an order hook is
 * about the order being written): no hydroxychloroquine or other antimalarial order is active
 * (§4: active or on-hold, end absent or in the future), and nothing in the record says why:
 * 1. an AllergyIntolerance naming HCQ / chloroquine / a 4-aminoquinoline (§1.4), not refuted or
 *    entered in error, clinicalStatus absent or active — an intolerance counts as an allergy;
 * 2. a Condition recording antimalarial retinal toxicity (§1.4), not refuted / entered in error,
 *    any clinical status;
 * 3. a stopped HCQ order carrying a statusReason (someone recorded why it was stopped);
 * 4. the allergies could not be read (a contraindication cannot be excluded).
 * *Choice*: a stopped order of another antimalarial with a statusReason silences too (§1.4 counts
 * chloroquine intolerance as a contraindication of the class).
 */
const CODE = 'hydroxychloroquine-not-prescribed';

const NOT_RECORDED: ReadonlySet<string> = new Set(['refuted', 'entered-in-error']);

function evaluate(context: RuleContext): Finding[] {
  if (context.hook !== 'patient-view') return [];
  const antimalarials = context.orders.filter((order) => ANTIMALARIAL_GROUPS.has(order.group));
  if (antimalarials.some((order) => order.isActive)) return [];
  if (context.unavailable.has('allergies')) {
    context.note(`${CODE}: allergies unavailable, a contraindication cannot be excluded`);
    return [];
  }
  if (context.allergies.some(recordsAntimalarialAllergy)) {
    context.note(`${CODE}: antimalarial allergy or intolerance recorded`);
    return [];
  }
  if (context.conditions.some((c) => isRecorded(c) && recordsAntimalarialRetinopathy(c.code))) {
    context.note(`${CODE}: antimalarial retinal toxicity recorded`);
    return [];
  }
  if (antimalarials.some(stoppedWithReason)) {
    context.note(`${CODE}: antimalarial stopped with a recorded reason`);
    return [];
  }
  const last = latestOrder(antimalarials);
  const evidence: Evidence[] = [
    last === undefined
      ? { label: 'Last hydroxychloroquine order', value: 'none found' }
      : { ...describeOrder(last), value: endOf(last) },
  ];
  return [{ code: CODE, indicator: 'info', evidence }];
}

/** §1.4: not entered in error, not refuted, clinicalStatus absent or active; allergy or intolerance. */
function recordsAntimalarialAllergy(allergy: fhir4.AllergyIntolerance): boolean {
  const verification = listOf(allergy.verificationStatus?.coding).map((coding) => coding.code);
  if (verification.some((code) => code !== undefined && NOT_RECORDED.has(code))) return false;
  const clinical = listOf(allergy.clinicalStatus?.coding).map((coding) => coding.code);
  if (clinical.some((code) => code !== undefined && code !== 'active')) return false;
  return (
    namesAntimalarial(allergy.code) ||
    listOf(allergy.reaction).some((reaction) => namesAntimalarial(reaction.substance))
  );
}

function stoppedWithReason(order: MedicationOrder): boolean {
  const { status, statusReason } = order.request;
  if (status !== 'stopped' || statusReason === undefined) return false;
  const text = statusReason.text?.trim() ?? '';
  return text !== '' || listOf(statusReason.coding).some((coding) => Boolean(coding.code ?? coding.display));
}

function latestOrder(orders: readonly MedicationOrder[]): MedicationOrder | undefined {
  let latest: MedicationOrder | undefined;
  for (const order of orders) {
    if (
      latest === undefined ||
      (order.start?.getTime() ?? -Infinity) > (latest.start?.getTime() ?? -Infinity)
    ) {
      latest = order;
    }
  }
  return latest;
}

/** The planned end when the order states one; a stopped order without one ended at an unknown time (§4). */
function endOf(order: MedicationOrder): string {
  const statesEnd = listOf(order.request.dosageInstruction).some(
    (dosage) =>
      dosage.timing?.repeat?.boundsPeriod?.end !== undefined || dosage.timing?.repeat?.boundsDuration,
  );
  return statesEnd && order.end !== undefined ? `ended ${formatDate(order.end)}` : 'end not recorded';
}

export const hydroxychloroquineNotPrescribed: Rule = { code: CODE, evaluate };
