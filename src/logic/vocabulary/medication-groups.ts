/**
 * The drug table of clinical-rules.md §2 as data. Codes are RxNorm
 * (http://www.nlm.nih.gov/research/umls/rxnorm), checked by the spec's authors against RxNav /
 * openFDA; names match case-insensitively as whole words.
 */
export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

export type DrugGroup =
  | 'tacrolimus'
  | 'mycophenolate'
  | 'azathioprine'
  | 'prednisone'
  | 'other-glucocorticoid'
  | 'cyclosporine'
  | 'voclosporin'
  | 'cyclophosphamide'
  | 'belimumab'
  | 'anti-CD20'
  | 'strong-cyp3a4-inhibitor'
  | 'cyp3a4-inducer'
  // Second wave (clinical-rules-wave2.md §1.1).
  | 'hydroxychloroquine'
  | 'other-antimalarial'
  | 'allopurinol'
  | 'febuxostat'
  | 'covering-glucocorticoid';

/** §2: the groups counted as "LN immunosuppressant" (glucocorticoids and HCQ are not). */
export const LN_IMMUNOSUPPRESSANT_GROUPS: ReadonlySet<DrugGroup> = new Set<DrugGroup>([
  'tacrolimus',
  'mycophenolate',
  'azathioprine',
  'cyclophosphamide',
  'cyclosporine',
  'voclosporin',
  'belimumab',
  'anti-CD20',
]);

/** §2: the calcineurin inhibitors. */
export const CALCINEURIN_INHIBITOR_GROUPS: ReadonlySet<DrugGroup> = new Set<DrugGroup>([
  'tacrolimus',
  'cyclosporine',
  'voclosporin',
]);

export const GLUCOCORTICOID_GROUPS: ReadonlySet<DrugGroup> = new Set<DrugGroup>([
  'prednisone',
  'other-glucocorticoid',
]);

/**
 * Wave 2 §3 "continuous glucocorticoid run": the dose-counted glucocorticoids plus hydrocortisone
 * and dexamethasone, which keep a patient covered against adrenal insufficiency (rule 3 only; the
 * dose rules never count them).
 */
export const COVERING_GLUCOCORTICOID_GROUPS: ReadonlySet<DrugGroup> = new Set<DrugGroup>([
  'prednisone',
  'other-glucocorticoid',
  'covering-glucocorticoid',
]);

/** Wave 2 §1.1: HCQ and the other antimalarials that stand in for it (rule 5a). */
export const ANTIMALARIAL_GROUPS: ReadonlySet<DrugGroup> = new Set<DrugGroup>([
  'hydroxychloroquine',
  'other-antimalarial',
]);

/** MMF and MPA are one group but dose in their own ranges (§2, §5). */
export type MycophenolateKind = 'mmf' | 'mpa';

/** Strength of one unit (tablet, capsule) or of one mL for liquids. */
export interface ProductStrength {
  readonly mg: number;
  readonly per: 'unit' | 'mL';
  /**
   * The unit's dose form when the §2 table names it, so a dose counted in `{pill}` (the CDS Hooks
   * Sandbox's unit for every product) is written "tablets" or "capsules" on a card and in a sig.
   */
  readonly form?: 'tablet' | 'capsule';
}

export interface DrugEntry {
  readonly group: DrugGroup;
  /** The ingredient, for display and the prednisone equivalent. */
  readonly ingredient: string;
  readonly mycophenolateKind?: MycophenolateKind;
  /** §2: prednisone-equivalent mg per mg (prednisolone × 1, methylprednisolone × 1.25). */
  readonly prednisoneEquivalent?: number;
}

export interface ProductEntry extends DrugEntry {
  readonly strength?: ProductStrength;
  /** Once-daily extended-release tacrolimus (Astagraf XL, Envarsus XR): trough ~24 h after dose. */
  readonly onceDailyExtendedRelease?: boolean;
}

const TAC: DrugEntry = { group: 'tacrolimus', ingredient: 'tacrolimus' };
const TAC_ER: ProductEntry = { ...TAC, onceDailyExtendedRelease: true };
const MMF: DrugEntry = {
  group: 'mycophenolate',
  ingredient: 'mycophenolate mofetil',
  mycophenolateKind: 'mmf',
};
const MPA: DrugEntry = {
  group: 'mycophenolate',
  ingredient: 'mycophenolic acid',
  mycophenolateKind: 'mpa',
};
const AZA: DrugEntry = { group: 'azathioprine', ingredient: 'azathioprine' };
const PRED: DrugEntry = { group: 'prednisone', ingredient: 'prednisone', prednisoneEquivalent: 1 };
const PREDNISOLONE: DrugEntry = {
  group: 'other-glucocorticoid',
  ingredient: 'prednisolone',
  prednisoneEquivalent: 1,
};
const METHYLPRED: DrugEntry = {
  group: 'other-glucocorticoid',
  ingredient: 'methylprednisolone',
  prednisoneEquivalent: 1.25,
};
const CSA: DrugEntry = { group: 'cyclosporine', ingredient: 'cyclosporine' };
const VCS: DrugEntry = { group: 'voclosporin', ingredient: 'voclosporin' };
const CYC: DrugEntry = { group: 'cyclophosphamide', ingredient: 'cyclophosphamide' };
const BEL: DrugEntry = { group: 'belimumab', ingredient: 'belimumab' };
const RTX: DrugEntry = { group: 'anti-CD20', ingredient: 'rituximab' };
const OBI: DrugEntry = { group: 'anti-CD20', ingredient: 'obinutuzumab' };
// Second wave (clinical-rules-wave2.md §1.1). Codes marked UNVERIFIED there are not listed: those
// drugs match by name only, so a wrong code cannot widen a rule.
const HCQ: DrugEntry = { group: 'hydroxychloroquine', ingredient: 'hydroxychloroquine' };
const antimalarial = (ingredient: string): DrugEntry => ({ group: 'other-antimalarial', ingredient });
const ALLOPURINOL: DrugEntry = { group: 'allopurinol', ingredient: 'allopurinol' };
const FEBUXOSTAT: DrugEntry = { group: 'febuxostat', ingredient: 'febuxostat' };
const HYDROCORTISONE: DrugEntry = { group: 'covering-glucocorticoid', ingredient: 'hydrocortisone' };
const DEXAMETHASONE: DrugEntry = { group: 'covering-glucocorticoid', ingredient: 'dexamethasone' };
const inhibitor = (ingredient: string): DrugEntry => ({
  group: 'strong-cyp3a4-inhibitor',
  ingredient,
});
const inducer = (ingredient: string): DrugEntry => ({ group: 'cyp3a4-inducer', ingredient });

const tab = (mg: number): ProductStrength => ({ mg, per: 'unit', form: 'tablet' });
const cap = (mg: number): ProductStrength => ({ mg, per: 'unit', form: 'capsule' });

/** RxNorm ingredient codes (IN / PIN) of §2. */
export const RXNORM_INGREDIENTS: ReadonlyMap<string, DrugEntry> = new Map([
  ['42316', TAC],
  ['68149', MMF],
  ['7145', MPA],
  ['408142', MPA], // PIN mycophenolate sodium; strengths are stated as MPA
  ['1256', AZA],
  ['8640', PRED],
  ['8638', PREDNISOLONE],
  ['6902', METHYLPRED],
  ['3008', CSA],
  ['3002', CYC],
  ['121191', RTX],
  ['974779', OBI],
  ['21212', inhibitor('clarithromycin')],
  ['121243', inhibitor('voriconazole')],
  ['85762', inhibitor('ritonavir')],
  ['343047', inhibitor('atazanavir')],
  ['5521', HCQ], // IN; verified: VSAC 2.16.840.1.113762.1.4.1032.127
  ['153972', HCQ], // PIN hydroxychloroquine sulfate; same value set
  ['202462', HCQ], // BN Plaquenil; same value set
  ['519', ALLOPURINOL], // verified: CPIC guideline 100422 (drugid RxNorm:519)
  ['9384', inducer('rifampin')],
  ['55672', inducer('rifabutin')],
  ['2002', inducer('carbamazepine')],
  ['8183', inducer('phenytoin')],
]);

/** RxNorm SCD / SBD products of §2 with their strength. */
export const RXNORM_PRODUCTS: ReadonlyMap<string, ProductEntry> = new Map<string, ProductEntry>([
  // Tacrolimus IR capsules 0.5 / 1 / 5 mg and Prograf.
  ['313190', { ...TAC, strength: cap(0.5) }],
  ['198377', { ...TAC, strength: cap(1) }],
  ['198378', { ...TAC, strength: cap(5) }],
  ['261134', { ...TAC, strength: cap(0.5) }],
  ['108513', { ...TAC, strength: cap(1) }],
  ['108514', { ...TAC, strength: cap(5) }],
  // Astagraf XL 0.5 / 1 / 5 mg extended-release capsules (SCD, SBD), once daily.
  ['1431971', { ...TAC, strength: cap(0.5), onceDailyExtendedRelease: true }],
  ['1431977', { ...TAC, strength: cap(0.5), onceDailyExtendedRelease: true }],
  ['1431980', { ...TAC, strength: cap(1), onceDailyExtendedRelease: true }],
  ['1431982', { ...TAC, strength: cap(1), onceDailyExtendedRelease: true }],
  ['1431985', { ...TAC, strength: cap(5), onceDailyExtendedRelease: true }],
  ['1431987', { ...TAC, strength: cap(5), onceDailyExtendedRelease: true }],
  // Envarsus XR 0.75 / 1 / 4 mg extended-release tablets (SCD, SBD), once daily.
  ['1664456', { ...TAC, strength: tab(0.75), onceDailyExtendedRelease: true }],
  ['1664458', { ...TAC, strength: tab(0.75), onceDailyExtendedRelease: true }],
  ['1664461', { ...TAC, strength: tab(1), onceDailyExtendedRelease: true }],
  ['1664463', { ...TAC, strength: tab(1), onceDailyExtendedRelease: true }],
  ['1664434', { ...TAC, strength: tab(4), onceDailyExtendedRelease: true }],
  ['1664440', { ...TAC, strength: tab(4), onceDailyExtendedRelease: true }],
  // MMF 250 mg cap, 500 mg tab (CellCept), 200 mg/mL oral suspension.
  ['199058', { ...MMF, strength: cap(250) }],
  ['616447', { ...MMF, strength: cap(250) }],
  ['200060', { ...MMF, strength: tab(500) }],
  ['616435', { ...MMF, strength: tab(500) }],
  ['311880', { ...MMF, strength: { mg: 200, per: 'mL' } }],
  // Mycophenolic acid DR tablets 180 / 360 mg (Myfortic); strength is MPA.
  ['485020', { ...MPA, strength: tab(180) }],
  ['616450', { ...MPA, strength: tab(180) }],
  ['485023', { ...MPA, strength: tab(360) }],
  ['616449', { ...MPA, strength: tab(360) }],
  // Azathioprine 50 mg (Imuran, Azasan), 25 / 75 / 100 mg.
  ['197388', { ...AZA, strength: tab(50) }],
  ['105611', { ...AZA, strength: tab(50) }],
  ['404351', { ...AZA, strength: tab(50) }],
  ['199310', { ...AZA, strength: tab(25) }],
  ['359229', { ...AZA, strength: tab(75) }],
  ['359228', { ...AZA, strength: tab(100) }],
  // Prednisone tablets 1 / 2.5 / 5 / 10 / 20 / 50 mg.
  ['198144', { ...PRED, strength: tab(1) }],
  ['198146', { ...PRED, strength: tab(2.5) }],
  ['312617', { ...PRED, strength: tab(5) }],
  ['198145', { ...PRED, strength: tab(10) }],
  ['312615', { ...PRED, strength: tab(20) }],
  ['198148', { ...PRED, strength: tab(50) }],
  // Hydroxychloroquine sulfate 200 mg tablet, Plaquenil 200 mg (VSAC 2.16.840.1.113762.1.4.1032.127).
  ['979092', { ...HCQ, strength: tab(200) }],
  ['979094', { ...HCQ, strength: tab(200) }],
  // Allopurinol 100 / 300 mg tablets (openFDA NDC openfda.rxcui).
  ['197319', { ...ALLOPURINOL, strength: tab(100) }],
  ['197320', { ...ALLOPURINOL, strength: tab(300) }],
]);

/**
 * Names (generic and brand) of §2, matched as whole words. Longer names come first so that
 * "mycophenolate mofetil" wins over a bare "mycophenolate".
 */
export const DRUG_NAMES: readonly (readonly [string, ProductEntry])[] = [
  ['mycophenolate mofetil', MMF],
  ['mycophenolic acid', MPA],
  ['mycophenolate sodium', MPA],
  ['cellcept', MMF],
  ['mmf', MMF],
  ['myfortic', MPA],
  ['ec-mps', MPA],
  ...['advagraf', 'astagraf', 'envarsus'].map((name) => [name, TAC_ER] as const),
  ...['tacrolimus', 'prograf', 'hecoria', 'fk506', 'fk-506'].map((name) => [name, TAC] as const),
  ...['azathioprine', 'imuran', 'azasan'].map((name) => [name, AZA] as const),
  ...['prednisone', 'deltasone', 'rayos'].map((name) => [name, PRED] as const),
  ...['methylprednisolone', 'medrol'].map((name) => [name, METHYLPRED] as const),
  ...['prednisolone', 'orapred', 'millipred'].map((name) => [name, PREDNISOLONE] as const),
  ...['cyclosporine', 'ciclosporin', 'neoral', 'sandimmune', 'gengraf'].map((name) => [name, CSA] as const),
  ...['voclosporin', 'lupkynis'].map((name) => [name, VCS] as const),
  ['cyclophosphamide', CYC],
  ...['belimumab', 'benlysta'].map((name) => [name, BEL] as const),
  ...['rituximab', 'rituxan', 'truxima', 'ruxience', 'riabni'].map((name) => [name, RTX] as const),
  ...['obinutuzumab', 'gazyva'].map((name) => [name, OBI] as const),
  ...['hydroxychloroquine', 'plaquenil', 'hcq'].map((name) => [name, HCQ] as const),
  ...['chloroquine', 'quinacrine', 'mepacrine'].map((name) => [name, antimalarial(name)] as const),
  ...['allopurinol', 'zyloprim', 'aloprim'].map((name) => [name, ALLOPURINOL] as const),
  ...['febuxostat', 'uloric'].map((name) => [name, FEBUXOSTAT] as const),
  ...['hydrocortisone', 'cortef', 'solu-cortef'].map((name) => [name, HYDROCORTISONE] as const),
  ...['dexamethasone', 'decadron'].map((name) => [name, DEXAMETHASONE] as const),
  ...[
    'clarithromycin',
    'voriconazole',
    'ritonavir',
    'atazanavir',
    'ketoconazole',
    'itraconazole',
    'posaconazole',
    'cobicistat',
    'nelfinavir',
    'telithromycin',
  ].map((name) => [name, inhibitor(name)] as const),
  ...[
    'rifampin',
    'rifampicin',
    'rifabutin',
    'carbamazepine',
    'phenytoin',
    'phenobarbital',
    "st john's wort",
    'st. john’s wort',
    "st. john's wort",
    'st johns wort',
    'hypericum perforatum',
  ].map((name) => [name, inducer(name)] as const),
];

/**
 * A bare "mycophenolate" names the group but not the product: the dose rules cannot tell the
 * MMF range from the MPA range, so they stay silent (docs/rules.md).
 */
export const BARE_MYCOPHENOLATE: DrugEntry = { group: 'mycophenolate', ingredient: 'mycophenolate' };
