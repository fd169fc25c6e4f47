import type { MedicationOrder } from '../rules/rule';
import { RXNORM_SYSTEM } from '../vocabulary/medication-groups';

/**
 * The sources a card links (clinical-rules.md §6): the guideline, and the DailyMed label of the
 * product actually ordered — a wrong label is a wrong card. A label links its DailyMed page only
 * where the page's setid was confirmed against a stored openFDA label record for that brand;
 * every other label links a DailyMed search for the product, never a guessed setid.
 */
export interface CardLink {
  readonly label: string;
  readonly url: string;
}

export const KDIGO_2024: CardLink = {
  label: 'KDIGO 2024 Clinical Practice Guideline for the Management of Lupus Nephritis',
  url: 'https://doi.org/10.1016/j.kint.2023.09.002',
};

/**
 * Beuschlein F, et al. ESE/Endocrine Society guideline: glucocorticoid-induced adrenal insufficiency.
 * Eur J Endocrinol 2024;190(5):G25–G51 (co-published in J Clin Endocrinol Metab 2024;109(7):1657–83).
 */
export const ESE_ES_2024: CardLink = {
  label: 'ESE/Endocrine Society 2024 guideline: glucocorticoid-induced adrenal insufficiency',
  url: 'https://doi.org/10.1093/ejendo/lvae029',
};

/** EULAR women's health and pregnancy in SLE and/or APS (Andreoli L, et al. Ann Rheum Dis 2017;76:476–485). */
export const EULAR_2017_PREGNANCY: CardLink = {
  label: "EULAR recommendations for women's health and pregnancy in SLE and/or APS (2017)",
  url: 'https://doi.org/10.1136/annrheumdis-2016-209770',
};

/** Fanouriakis A, et al. EULAR recommendations for the management of SLE: 2023 update. Ann Rheum Dis 2024;83:15–29. */
export const EULAR_2023_SLE: CardLink = {
  label: 'EULAR recommendations for the management of SLE: 2023 update',
  url: 'https://doi.org/10.1136/ard-2023-224762',
};

/** The products whose label a card can link. */
export type LabelledProduct =
  | 'prograf'
  | 'envarsus-xr'
  | 'astagraf-xl'
  | 'tacrolimus-extended-release'
  | 'cellcept'
  | 'myfortic'
  | 'imuran'
  | 'azasan'
  | 'cyclophosphamide'
  | 'lupkynis';

const labelPage = (name: string, setid: string): CardLink => ({
  label: `${name} prescribing information (DailyMed)`,
  url: `https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=${setid}`,
});
const labelSearch = (name: string, query: string): CardLink => ({
  label: `${name} prescribing information (DailyMed search)`,
  url: `https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=${encodeURIComponent(query)}`,
});

/** Voclosporin has one product; clinical-rules-wave2.md §6 names its FDA label (NDA 213716). */
export const LUPKYNIS_LABEL: CardLink = {
  label: 'Lupkynis (voclosporin) prescribing information (FDA)',
  url: 'https://www.accessdata.fda.gov/drugsatfda_docs/label/2025/213716s008lbl.pdf',
};

export const DRUG_LABELS: Readonly<Record<LabelledProduct, CardLink>> = {
  // Immediate-release tacrolimus: generic capsules carry the Prograf (reference product) label.
  prograf: labelSearch('Prograf (tacrolimus)', 'Prograf'),
  // openFDA drug label set_id de2315b0-… lists the Envarsus XR 0.75 / 1 / 4 mg tablets.
  'envarsus-xr': labelPage(
    'Envarsus XR (tacrolimus extended-release tablets)',
    'de2315b0-6344-43ac-9aea-3e3b68d828e7',
  ),
  'astagraf-xl': labelSearch('Astagraf XL (tacrolimus extended-release capsules)', 'Astagraf XL'),
  // Once-daily tacrolimus named only "XL", "XR", "extended release": which product is not known.
  'tacrolimus-extended-release': labelSearch('Tacrolimus extended-release', 'tacrolimus extended-release'),
  // openFDA drug label set_id 37241e87-… lists CellCept capsules, tablets, suspension and IV
  // (Genentech), as do the NDC records of CellCept 250 mg / 500 mg.
  cellcept: labelPage('CellCept (mycophenolate mofetil)', '37241e87-4af4-4dc3-a1aa-ea6f20d8dc40'),
  myfortic: labelSearch('Myfortic (mycophenolic acid)', 'Myfortic'),
  imuran: labelSearch('Imuran (azathioprine)', 'Imuran'),
  azasan: labelSearch('Azasan (azathioprine)', 'Azasan'),
  // Cyclophosphamide is marketed as generics only in the US: no reference product label to name.
  cyclophosphamide: labelSearch('Cyclophosphamide', 'cyclophosphamide'),
  // clinical-rules-wave2.md §6: Lupkynis (voclosporin), NDA 213716, the FDA label the page cites.
  lupkynis: LUPKYNIS_LABEL,
};

/** AAO 2016 (Marmor et al.): screening for chloroquine and hydroxychloroquine retinopathy. */
export const AAO_HCQ_RETINOPATHY_2016: CardLink = {
  label:
    'AAO recommendations on screening for chloroquine and hydroxychloroquine retinopathy (2016 revision)',
  url: 'https://doi.org/10.1016/j.ophtha.2016.01.058',
};

/** RxNorm SCD / SBD codes of the once-daily tacrolimus brands (§2 table). */
const ENVARSUS_XR_CODES: ReadonlySet<string> = new Set([
  '1664456',
  '1664458',
  '1664461',
  '1664463',
  '1664434',
  '1664440',
]);
const ASTAGRAF_XL_CODES: ReadonlySet<string> = new Set([
  '1431971',
  '1431977',
  '1431980',
  '1431982',
  '1431985',
  '1431987',
]);
const AZASAN_CODES: ReadonlySet<string> = new Set(['404351']);

function conceptsOf(order: MedicationOrder): fhir4.CodeableConcept[] {
  const concepts: fhir4.CodeableConcept[] = [];
  if (order.request.medicationCodeableConcept) concepts.push(order.request.medicationCodeableConcept);
  if (order.medication?.code) concepts.push(order.medication.code);
  return concepts;
}

function hasCode(order: MedicationOrder, codes: ReadonlySet<string>): boolean {
  return conceptsOf(order).some((concept) =>
    (concept.coding ?? []).some(
      (c) => c.system === RXNORM_SYSTEM && typeof c.code === 'string' && codes.has(c.code.trim()),
    ),
  );
}

function namesWord(order: MedicationOrder, word: RegExp): boolean {
  return conceptsOf(order).some((concept) =>
    [concept.text, ...(concept.coding ?? []).map((c) => c.display)].some(
      (text) => typeof text === 'string' && word.test(text),
    ),
  );
}

/**
 * The product whose label states what the card cites for this order. Generic products carry their
 * reference product's label (tacrolimus capsules: Prograf; MMF: CellCept; MPA: Myfortic;
 * azathioprine: Imuran). Advagraf, the name of Astagraf XL outside the US, has no US label of its own.
 */
export function labelledProductOf(order: MedicationOrder): LabelledProduct | undefined {
  switch (order.group) {
    case 'tacrolimus':
      if (hasCode(order, ENVARSUS_XR_CODES) || namesWord(order, /\b(envarsus|lcp)\b/i)) return 'envarsus-xr';
      if (hasCode(order, ASTAGRAF_XL_CODES) || namesWord(order, /\b(astagraf|advagraf)\b/i))
        return 'astagraf-xl';
      return order.product.onceDailyExtendedRelease === true ? 'tacrolimus-extended-release' : 'prograf';
    case 'mycophenolate':
      return order.product.mycophenolateKind === 'mmf'
        ? 'cellcept'
        : order.product.mycophenolateKind === 'mpa'
          ? 'myfortic'
          : undefined;
    case 'azathioprine':
      return hasCode(order, AZASAN_CODES) || namesWord(order, /\bazasan\b/i) ? 'azasan' : 'imuran';
    case 'prednisone':
    case 'other-glucocorticoid':
    case 'voclosporin':
      return 'lupkynis';
    case 'cyclosporine':
    case 'cyclophosphamide':
      return 'cyclophosphamide';
    case 'belimumab':
    case 'anti-CD20':
    case 'strong-cyp3a4-inhibitor':
    case 'cyp3a4-inducer':
    case 'hydroxychloroquine':
    case 'other-antimalarial':
    case 'allopurinol':
    case 'febuxostat':
    case 'covering-glucocorticoid':
      return undefined;
  }
}

/** The distinct labelled products of some orders, in order. */
export function labelledProductsOf(orders: readonly MedicationOrder[]): LabelledProduct[] {
  const products: LabelledProduct[] = [];
  for (const order of orders) {
    const product = labelledProductOf(order);
    if (product !== undefined && !products.includes(product)) products.push(product);
  }
  return products;
}

/**
 * Febuxostat: generic products carry the Uloric (reference product) label, whose §4 and §7 make
 * azathioprine a contraindication. No setid confirmed against an openFDA record: a DailyMed search.
 */
export const ULORIC_LABEL: CardLink = labelSearch('Uloric (febuxostat)', 'Uloric');

