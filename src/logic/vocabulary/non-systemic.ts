/**
 * clinical-rules.md §2: only systemic use counts. An order whose route, dose form or product is
 * ophthalmic, topical, cutaneous or inhaled is ignored by every rule.
 */
/** §2: topical tacrolimus (ointment) products — never systemic. */
export const NON_SYSTEMIC_RXNORM_PRODUCTS: ReadonlySet<string> = new Set(['313189', '314266']);

/**
 * SNOMED CT route codes (the R4 `Dosage.route` example binding) of the same non-systemic routes,
 * for routes sent as a code without display or text: topical 6064005, cutaneous 448598008,
 * ophthalmic 54485002, respiratory tract 447694001, inhalation 18679011000001101, nasal
 * 46713006, otic 10547007.
 */
export const NON_SYSTEMIC_SNOMED_ROUTES: ReadonlySet<string> = new Set([
  '6064005',
  '448598008',
  '54485002',
  '447694001',
  '18679011000001101',
  '46713006',
  '10547007',
]);

/**
 * Words that mark a non-systemic route or dose form (§2: ophthalmic, topical, cutaneous, inhaled)
 * and non-systemic brands (Protopic = tacrolimus ointment; Restasis and other cyclosporine eye
 * emulsions). Nasal and otic are treated the same way: they are not systemic either.
 */
export const NON_SYSTEMIC_WORDS: readonly string[] = [
  'ophthalmic',
  'ocular',
  'eye',
  'eyes',
  'topical',
  'topically',
  'cutaneous',
  'dermal',
  'skin',
  'ointment',
  'cream',
  'lotion',
  'gel',
  'inhaled',
  'inhalation',
  'inhaler',
  'inhalant',
  'respiratory',
  'nasal',
  'intranasal',
  'otic',
  'ear',
  'protopic',
  'restasis',
  'cequa',
  'verkazia',
  'ikervis',
];
