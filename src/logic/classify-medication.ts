import {
  BARE_MYCOPHENOLATE,
  DRUG_NAMES,
  NON_SYSTEMIC_RXNORM_PRODUCTS,
  NON_SYSTEMIC_WORDS,
  RXNORM_INGREDIENTS,
  RXNORM_PRODUCTS,
  RXNORM_SYSTEM,
  type ProductEntry,
  type ProductStrength,
} from './medication-groups';

/**
 * What a MedicationRequest prescribes, per clinical-rules.md §2: RxNorm product or ingredient
 * codes first, then whole-word generic/brand names in `code.text` / `coding.display`.
 */
export type MedicationClassification =
  | { readonly kind: 'drug'; readonly product: ProductEntry; readonly matchedBy: 'rxnorm' | 'name' }
  | { readonly kind: 'non-systemic'; readonly reason: string }
  | { readonly kind: 'unrelated' }
  | { readonly kind: 'unresolved'; readonly reason: string };

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex per name, built once: whole word = no letter or digit on either side. */
function wholeWord(name: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'iu');
}

const NAME_MATCHERS: readonly (readonly [RegExp, ProductEntry])[] = DRUG_NAMES.map(
  ([name, entry]) => [wholeWord(name), entry] as const,
);
const BARE_MYCOPHENOLATE_MATCHER = wholeWord('mycophenolate');
const NON_SYSTEMIC_MATCHER = new RegExp(
  `(?<![\\p{L}\\p{N}])(${NON_SYSTEMIC_WORDS.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`,
  'iu',
);

function textsOf(concept: fhir4.CodeableConcept | undefined): string[] {
  if (!concept) return [];
  const texts: string[] = [];
  if (concept.text) texts.push(concept.text);
  for (const coding of concept.coding ?? []) if (coding.display) texts.push(coding.display);
  return texts;
}

function rxnormCodes(concept: fhir4.CodeableConcept | undefined): string[] {
  return (concept?.coding ?? [])
    .filter((coding) => coding.system === RXNORM_SYSTEM && typeof coding.code === 'string')
    .map((coding) => (coding.code ?? '').trim());
}

/** Resolves `medicationReference` against contained resources, then the prefetched Medications. */
export function resolveMedication(
  request: fhir4.MedicationRequest,
  medicationsById: ReadonlyMap<string, fhir4.Medication>,
): fhir4.Medication | undefined {
  const reference = request.medicationReference?.reference;
  if (!reference) return undefined;
  if (reference.startsWith('#')) {
    const id = reference.slice(1);
    return request.contained?.find(
      (resource): resource is fhir4.Medication =>
        resource.resourceType === 'Medication' && resource.id === id,
    );
  }
  const match = /(?:^|\/)Medication\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(reference);
  return match?.[1] ? medicationsById.get(match[1]) : undefined;
}

function matchByCode(codes: readonly string[]): ProductEntry | undefined {
  for (const code of codes) {
    const product = RXNORM_PRODUCTS.get(code);
    if (product) return product;
  }
  for (const code of codes) {
    const ingredient = RXNORM_INGREDIENTS.get(code);
    if (ingredient) return ingredient;
  }
  return undefined;
}

/** All distinct groups named in the texts; ambiguity (two groups) is reported, never guessed. */
function matchByName(texts: readonly string[]): ProductEntry[] {
  const found: ProductEntry[] = [];
  for (const text of texts) {
    for (const [matcher, entry] of NAME_MATCHERS) {
      if (matcher.test(text) && !found.some((f) => f.group === entry.group)) found.push(entry);
    }
  }
  if (found.length === 0 && texts.some((text) => BARE_MYCOPHENOLATE_MATCHER.test(text))) {
    found.push(BARE_MYCOPHENOLATE);
  }
  return found;
}

function massInMg(quantity: fhir4.Quantity | undefined): number | undefined {
  if (quantity?.value === undefined) return undefined;
  const unit = (quantity.code ?? quantity.unit ?? '').trim();
  const factor: Record<string, number> = { mg: 1, g: 1000, ug: 0.001, mcg: 0.001, µg: 0.001 };
  const f = factor[unit];
  return f === undefined ? undefined : quantity.value * f;
}

const COUNT_UNITS = /^(\{?(tbl|tab|tabs|tablet|tablets|cap|caps|capsule|capsules|pill|pills)\}?|1)$/i;

/** `Medication.ingredient[].strength` (e.g. 500 mg / 1 TAB) when the product code gave none. */
export function strengthFromMedication(
  medication: fhir4.Medication | undefined,
): ProductStrength | undefined {
  const withStrength = (medication?.ingredient ?? []).filter((i) => i.strength);
  if (withStrength.length !== 1) return undefined;
  const ratio = withStrength[0]?.strength;
  const mg = massInMg(ratio?.numerator);
  const denominator = ratio?.denominator;
  if (mg === undefined || mg <= 0) return undefined;
  const perValue = denominator?.value ?? 1;
  if (perValue <= 0) return undefined;
  const perUnit = (denominator?.code ?? denominator?.unit ?? '1').trim();
  if (COUNT_UNITS.test(perUnit)) return { mg: mg / perValue, per: 'unit' };
  if (perUnit === 'mL' || perUnit === 'ml') return { mg: mg / perValue, per: 'mL' };
  return undefined;
}

/** Once-daily tacrolimus products are extended-release (RxNorm "Extended Release", XL, XR). */
const EXTENDED_RELEASE = /(?<![\p{L}\p{N}])(extended[- ]release|xl|xr|er|lcp)(?![\p{L}\p{N}])/iu;

function nonSystemicReason(texts: readonly string[]): string | undefined {
  for (const text of texts) {
    const match = NON_SYSTEMIC_MATCHER.exec(text);
    if (match?.[1]) return `non-systemic route or form (${match[1].toLowerCase()})`;
  }
  return undefined;
}

/**
 * Classifies one MedicationRequest. `medication` is the resolved `medicationReference`, if any.
 * Non-systemic forms (§2) are recognised from the product code, the route, the dose form and the
 * medication's own name ("tacrolimus 0.1 % topical ointment").
 */
export function classifyMedication(
  request: fhir4.MedicationRequest,
  medication: fhir4.Medication | undefined,
): MedicationClassification {
  if (request.medicationReference && !medication && !request.medicationCodeableConcept) {
    return { kind: 'unresolved', reason: 'medicationReference could not be resolved' };
  }
  const concepts = [
    request.medicationCodeableConcept,
    medication?.code,
    ...(medication?.code ? [] : (medication?.ingredient ?? []).map((i) => i.itemCodeableConcept)),
  ];
  const codes = concepts.flatMap(rxnormCodes);
  const names = concepts.flatMap(textsOf);
  const routeAndForm = [
    ...(request.dosageInstruction?.flatMap((d) => textsOf(d.route)) ?? []),
    ...textsOf(medication?.form),
  ];
  const nonSystemic = codes.some((code) => NON_SYSTEMIC_RXNORM_PRODUCTS.has(code))
    ? 'topical tacrolimus product'
    : nonSystemicReason([...routeAndForm, ...names]);

  const byCode = matchByCode(codes);
  let product: ProductEntry | undefined = byCode;
  let matchedBy: 'rxnorm' | 'name' = 'rxnorm';
  if (!product) {
    const byName = matchByName(names);
    if (byName.length > 1) {
      return {
        kind: 'unresolved',
        reason: `medication names several drug groups (${byName.map((e) => e.group).join(', ')})`,
      };
    }
    product = byName[0];
    matchedBy = 'name';
  }
  if (!product) return nonSystemic ? { kind: 'non-systemic', reason: nonSystemic } : { kind: 'unrelated' };
  if (nonSystemic) return { kind: 'non-systemic', reason: nonSystemic };
  if (product.group === 'tacrolimus' && !product.onceDailyExtendedRelease) {
    if (names.some((name) => EXTENDED_RELEASE.test(name))) {
      product = { ...product, onceDailyExtendedRelease: true };
    }
  }
  if (!product.strength) {
    const strength = strengthFromMedication(medication);
    if (strength) product = { ...product, strength };
  }
  return { kind: 'drug', product, matchedBy };
}
