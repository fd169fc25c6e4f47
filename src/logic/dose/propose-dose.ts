import { readAdministrationsPerDay, readDosePerAdministration } from './daily-dose';
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
  /** The new dosage text, also written into the draft ("2 tablet (1000 mg) per dose, 2/day (BID)"). */
  readonly text: string;
}

/**
 * The smallest marketed unit when a mass-dosed draft names no product strength (§2 table: MMF
 * 250 mg capsule, MPA 180 mg tablet, azathioprine 25 mg, prednisone 1 mg).
 */
const SMALLEST_UNIT_MG: Readonly<Record<string, number>> = {
  'mycophenolate mofetil': 250,
  'mycophenolic acid': 180,
  azathioprine: 25,
  prednisone: 1,
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
  const unitLabel = entry.doseQuantity.unit ?? entry.doseQuantity.code ?? 'unit';
  const text =
    perAdministration.kind === 'count'
      ? `${units} ${unitLabel} (${mgPerAdministration} mg) per dose, ${perDay.how}: ${mgPerDay} mg/day`
      : `${mgPerAdministration} mg per dose, ${perDay.how}: ${mgPerDay} mg/day`;

  // The old sig states the old dose: replace `text`, drop `patientInstruction` rather than keep a
  // contradiction in the signed order.
  const doseAndRate = entries.map((e, i) => (i === index ? { ...e, doseQuantity } : e));
  const updated: fhir4.Dosage = { ...dosage, text, patientInstruction: undefined, doseAndRate };
  return {
    draft: { ...order.request, dosageInstruction: [updated] },
    mgPerDay,
    text,
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
