import {
  BARE_MYCOPHENOLATE,
  DRUG_NAMES,
  RXNORM_INGREDIENTS,
  RXNORM_PRODUCTS,
  RXNORM_SYSTEM,
  type ProductEntry,
  type ProductStrength,
} from './medication-groups';
import { listOf } from '../record/fhir-list';
import { NON_SYSTEMIC_RXNORM_PRODUCTS, NON_SYSTEMIC_SNOMED_ROUTES, NON_SYSTEMIC_WORDS } from './non-systemic';

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

const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';

/** "Mycophenolate  Mofetil", "St John’s Wort" → "mycophenolate mofetil", "st john's wort". */
function normaliseName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ');
}

/** Whole-word alternation of names, longest first, built once (whole word = no letter/digit around). */
function wholeWords(names: readonly string[], flags: string): RegExp {
  const alternatives = [...names]
    .sort((a, b) => b.length - a.length)
    .map((name) => escapeRegExp(name).replace(/ /g, '\\s+'));
  return new RegExp(`${NOT_WORD_BEFORE}(${alternatives.join('|')})${NOT_WORD_AFTER}`, flags);
}

const ENTRY_BY_NAME: ReadonlyMap<string, ProductEntry> = new Map(DRUG_NAMES);
// Only NAME_MATCHER is global, for String#match (every whole-word name, the lookarounds match no
// characters); `test` and `exec` on the others always start at the beginning of the text.
const NAME_MATCHER = wholeWords(
  DRUG_NAMES.map(([name]) => name),
  'giu',
);
const BARE_MYCOPHENOLATE_MATCHER = wholeWords(['mycophenolate'], 'iu');
const NON_SYSTEMIC_MATCHER = wholeWords(NON_SYSTEMIC_WORDS, 'iu');

/** Drug groups named in one text, whole words (§2), in reading order. */
function namesInText(text: string): readonly ProductEntry[] {
  const found: ProductEntry[] = [];
  // Typographic apostrophes ("St John’s Wort") read like straight ones, as the names are listed.
  // Not matchAll: it copies the expression on every call, ~1.4 µs a text against ~0.2 µs.
  for (const name of text.replace(/[\u2018\u2019]/g, "'").match(NAME_MATCHER) ?? []) {
    const entry = ENTRY_BY_NAME.get(normaliseName(name));
    if (entry && !found.includes(entry)) found.push(entry);
  }
  if (found.length === 0 && BARE_MYCOPHENOLATE_MATCHER.test(text)) found.push(BARE_MYCOPHENOLATE);
  return found;
}

/** The first non-systemic route or form word (§2) in one text, normalised. */
function nonSystemicWordIn(text: string): string | undefined {
  const word = NON_SYSTEMIC_MATCHER.exec(text)?.[1];
  return word ? normaliseName(word) : undefined;
}

/** Texts of a concept in reading order: `text`, then each coding's `display`. */
function pushTexts(concept: fhir4.CodeableConcept | undefined, texts: string[]): void {
  if (!concept) return;
  if (concept.text) texts.push(concept.text);
  for (const coding of concept.coding ?? []) if (coding.display) texts.push(coding.display);
}

function pushRxnormCodes(concept: fhir4.CodeableConcept | undefined, codes: string[]): void {
  for (const coding of listOf(concept?.coding)) {
    if (coding.system === RXNORM_SYSTEM && typeof coding.code === 'string') codes.push(coding.code.trim());
  }
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
    for (const entry of namesInText(text)) {
      if (!found.some((f) => f.group === entry.group)) found.push(entry);
    }
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

/**
 * Once-daily tacrolimus products are extended-release (RxNorm "Extended Release", XL, XR), and so
 * are the §2 brands Advagraf / Astagraf / Envarsus — also when an ingredient code or an earlier
 * "tacrolimus" in the text matched first (docs/rules.md; §5 overdue: trough about 24 h after dose).
 */
const EXTENDED_RELEASE =
  /(?<![\p{L}\p{N}])(extended[- ]release|xl|xr|er|lcp|advagraf|astagraf|envarsus)(?![\p{L}\p{N}])/iu;

function nonSystemicReason(routeAndForm: readonly string[], names: readonly string[]): string | undefined {
  for (const text of [...routeAndForm, ...names]) {
    const word = nonSystemicWordIn(text);
    if (word) return `non-systemic route or form (${word})`;
  }
  return undefined;
}

/** Route texts of every dosage instruction, then the Medication's dose form. */
function routeAndFormTexts(
  request: fhir4.MedicationRequest,
  medication: fhir4.Medication | undefined,
): string[] {
  const texts: string[] = [];
  for (const dosage of listOf(request.dosageInstruction)) pushTexts(dosage.route, texts);
  pushTexts(medication?.form, texts);
  return texts;
}

/** §2: a route coded only in SNOMED CT (no display, no text) is still read (e.g. 448598008 cutaneous). */
function hasNonSystemicRouteCode(request: fhir4.MedicationRequest): boolean {
  for (const dosage of listOf(request.dosageInstruction)) {
    for (const coding of listOf(dosage.route?.coding)) {
      if (
        coding.system === SNOMED_SYSTEM &&
        coding.code !== undefined &&
        NON_SYSTEMIC_SNOMED_ROUTES.has(coding.code.trim())
      ) {
        return true;
      }
    }
  }
  return false;
}

const SNOMED_SYSTEM = 'http://snomed.info/sct';

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
  // Reading order matters (first code, first non-systemic word): concepts are the request's, the
  // Medication's, then its ingredients'; routes come before the form and names.
  const codes: string[] = [];
  const names: string[] = [];
  pushRxnormCodes(request.medicationCodeableConcept, codes);
  pushTexts(request.medicationCodeableConcept, names);
  if (medication) {
    pushRxnormCodes(medication.code, codes);
    pushTexts(medication.code, names);
    for (const ingredient of listOf(medication.ingredient)) {
      pushRxnormCodes(ingredient.itemCodeableConcept, codes);
      pushTexts(ingredient.itemCodeableConcept, names);
    }
  }
  const routeAndForm = routeAndFormTexts(request, medication);
  const nonSystemic = codes.some((code) => NON_SYSTEMIC_RXNORM_PRODUCTS.has(code))
    ? 'topical tacrolimus product'
    : hasNonSystemicRouteCode(request)
      ? 'non-systemic route (SNOMED CT route code)'
      : nonSystemicReason(routeAndForm, names);

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
