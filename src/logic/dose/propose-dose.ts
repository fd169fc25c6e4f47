import { readAdministrationsPerDay, readDosePerAdministration } from './daily-dose';
import { bareUnit, countOf, countTimesStrength, formatAmount, isCountUnit } from './dose-words';
import type { MedicationOrder } from '../rules/rule';

/**
 * clinical-rules.md §6: "dose cards in order hooks carry a suggestion whose `update` action
 * rewrites the draft order to a dose inside the target". The proposal keeps the draft's schedule
 * (timing untouched) and changes only the amount per administration, in whole units of the
 * product, to the in-range daily dose nearest the bound that was crossed. When no whole number of
 * units lands inside the range, or the draft is a taper / several instructions / a liquid, there
 * is no proposal: the card then advises without a one-click change.
 */
export interface DoseBounds {
  /** mg/day, inclusive; undefined = no lower bound. */
  readonly min?: number | undefined;
  /** mg/day, inclusive; undefined = no upper bound. */
  readonly max?: number | undefined;
}

export interface DoseProposal {
  readonly draft: fhir4.MedicationRequest;
  readonly mgPerDay: number;
  /** The new sig, written into the draft's `dosageInstruction.text` ("2 tablets (1000 mg) twice daily"). */
  readonly text: string;
  /** The new dose as a prescriber writes it, for the suggestion's label (§6): "2 × 500 mg tablets twice daily (2000 mg/day)". */
  readonly label: string;
}

/**
 * The smallest marketed unit when a mass-dosed draft names no product strength (§2 table: MMF
 * 250 mg capsule, MPA 180 mg tablet, azathioprine 25 mg, prednisone 1 mg; wave 2 §4.4: voclosporin
 * 7.9 mg capsule).
 */
const SMALLEST_UNIT_MG: Readonly<Record<string, number>> = {
  'mycophenolate mofetil': 250,
  'mycophenolic acid': 180,
  azathioprine: 25,
  prednisone: 1,
  // Lupkynis is supplied as 7.9 mg capsules, the step of its label's dose modification.
  voclosporin: 7.9,
};

const UCUM = 'http://unitsofmeasure.org';
const EPSILON = 1e-9;

export function proposeDraftDose(
  order: MedicationOrder,
  bounds: DoseBounds,
  direction: 'below' | 'above',
  now: Date,
): DoseProposal | undefined {
  if (!order.isDraft || order.discontinuesGroup) return undefined;
  const dosages = order.request.dosageInstruction ?? [];
  const [dosage] = dosages;
  if (dosage === undefined || dosages.length !== 1) return undefined;
  const entries = dosage.doseAndRate ?? [];
  const index = Math.max(
    0,
    entries.findIndex((e) => e.type?.coding?.some((c) => c.code === 'ordered')),
  );
  const entry = entries[index];
  const perAdministration = readDosePerAdministration(dosage, { now, strength: order.product.strength });
  const perDay = readAdministrationsPerDay(dosage.timing);
  if (entry?.doseQuantity === undefined || !perAdministration.ok || !perDay.ok) return undefined;
  if (perAdministration.kind === 'volume') return undefined;
  // A count keeps the draft's quantity but for its value: a printable unit that says something else
  // than a count (`unit` "mg" beside the code `{tbl}`) would put a contradiction in the order.
  const printable = entry.doseQuantity.unit;
  if (perAdministration.kind === 'count' && printable !== undefined && !isCountUnit(bareUnit(printable))) {
    return undefined;
  }

  const unitMg =
    order.product.strength?.per === 'unit'
      ? order.product.strength.mg
      : SMALLEST_UNIT_MG[order.product.ingredient];
  if (unitMg === undefined || !(unitMg > 0)) return undefined;
  const units = chooseUnits(unitMg * perDay.count, bounds, direction);
  if (units === undefined) return undefined;

  const mgPerAdministration = round(units * unitMg);
  const mgPerDay = round(mgPerAdministration * perDay.count);
  const doseQuantity: fhir4.Quantity =
    perAdministration.kind === 'count'
      ? { ...entry.doseQuantity, value: units }
      : { value: mgPerAdministration, unit: 'mg', system: UCUM, code: 'mg' };
  const countUnit = perAdministration.countUnit;
  const strength = order.product.strength;
  const mg = formatAmount(mgPerAdministration);
  const [text, label] =
    countUnit !== undefined && strength !== undefined
      ? [
          `${countOf(units, countUnit, strength)} (${mg} mg) ${perDay.how}`,
          `${countTimesStrength(units, countUnit, strength)} ${perDay.how} (${formatAmount(mgPerDay)} mg/day)`,
        ]
      : [`${mg} mg ${perDay.how}`, `${mg} mg ${perDay.how} (${formatAmount(mgPerDay)} mg/day)`];

  // The old sig states the old dose: replace `text`, drop `patientInstruction` rather than keep a
  // contradiction in the signed order.
  const doseAndRate = entries.map((e, i) => (i === index ? { ...e, doseQuantity } : e));
  const updated: fhir4.Dosage = { ...dosage, text, patientInstruction: undefined, doseAndRate };
  return {
    draft: { ...order.request, dosageInstruction: [updated] },
    mgPerDay,
    text,
    label,
  };
}

/** The whole number of units per administration nearest the crossed bound and inside the range. */
function chooseUnits(
  mgPerDayPerUnit: number,
  bounds: DoseBounds,
  direction: 'below' | 'above',
): number | undefined {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Infinity;
  const units =
    direction === 'below'
      ? Math.max(1, Math.ceil(min / mgPerDayPerUnit - EPSILON))
      : Math.floor(max / mgPerDayPerUnit + EPSILON);
  if (units < 1) return undefined;
  const mgPerDay = units * mgPerDayPerUnit;
  return mgPerDay >= min - EPSILON && mgPerDay <= max + EPSILON ? units : undefined;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
