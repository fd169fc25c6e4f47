import type { CdsCard } from '../../src/logic/cards/cards';
import {
  LOINC,
  PRODUCT,
  cardOf,
  lab,
  prescription,
  type Prescription,
  type Situation,
} from './support/card-scenarios';

/**
 * §6: "A link or attribution names a source for what that source says: the label of the product
 * actually ordered (Prograf, Envarsus XR, Astagraf XL, CellCept, Myfortic, Imuran…); a figure the
 * service derives (an MPA equivalent of an MMF limit, a configurable window) is said to be derived
 * or a default, never attributed to a label or guideline that does not contain it."
 */
const DAILYMED = 'https://dailymed.nlm.nih.gov/dailymed/';
const labelsOf = (card: CdsCard): string[] =>
  (card.links ?? [])
    .filter((link) => link.url.startsWith(DAILYMED))
    .map((link) => `${link.label} <${link.url}>`);

const PROGRAF =
  'Prograf (tacrolimus) prescribing information (DailyMed search) <https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Prograf>';
const ENVARSUS =
  'Envarsus XR (tacrolimus extended-release tablets) prescribing information (DailyMed) <https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=de2315b0-6344-43ac-9aea-3e3b68d828e7>';
const ASTAGRAF =
  'Astagraf XL (tacrolimus extended-release capsules) prescribing information (DailyMed search) <https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Astagraf%20XL>';
const TACROLIMUS_ER =
  'Tacrolimus extended-release prescribing information (DailyMed search) <https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=tacrolimus%20extended-release>';
const CELLCEPT =
  'CellCept (mycophenolate mofetil) prescribing information (DailyMed) <https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=37241e87-4af4-4dc3-a1aa-ea6f20d8dc40>';
const MYFORTIC =
  'Myfortic (mycophenolic acid) prescribing information (DailyMed search) <https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Myfortic>';
const IMURAN =
  'Imuran (azathioprine) prescribing information (DailyMed search) <https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Imuran>';
const AZASAN =
  'Azasan (azathioprine) prescribing information (DailyMed search) <https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=Azasan>';

type Product = Pick<Prescription, 'rxnorm' | 'name'>;

function lowTroughOn(product: Product): Situation {
  return {
    orders: [prescription({ id: 'tac', ...product, dose: [1, 'mg'], timing: 'QD', sig: '1 mg once daily' })],
    results: [lab('trough', LOINC.tacrolimusTrough, 3.1, 'ng/mL', '2026-05-20T08:00:00Z')],
  };
}

function highDoseOf(product: Product, count: number): Situation {
  return {
    orders: [
      prescription({
        id: 'myco',
        ...product,
        dose: [count, '{tbl}'],
        timing: 'BID',
        sig: `${count} tablets twice daily`,
      }),
    ],
  };
}

function renalCardOf(product: Product, count: number): CdsCard {
  return cardOf('mycophenolate-renal-dose', {
    ...highDoseOf(product, count),
    results: [lab('egfr', LOINC.egfr, 18, 'mL/min/{1.73_m2}', '2026-05-20T08:00:00Z')],
  });
}

function azathioprineHighOn(product: Product): CdsCard {
  return cardOf('azathioprine-dose-high', {
    orders: [
      prescription({ id: 'aza', ...product, dose: [200, 'mg'], timing: 'QD', sig: '200 mg once daily' }),
    ],
    results: [lab('wt', LOINC.weight, 70, 'kg', '2026-04-22T09:00:00Z')],
  });
}

describe('the label linked is the label of the product ordered (§6)', () => {
  it.each<[string, Product, string]>([
    [
      'generic tacrolimus capsules: the Prograf label (the reference product)',
      PRODUCT.tacrolimus1cap,
      PROGRAF,
    ],
    ['Prograf', PRODUCT.prograf1cap, PROGRAF],
    ['Envarsus XR (RxNorm 1664463)', PRODUCT.envarsus1tab, ENVARSUS],
    ['Astagraf XL (RxNorm 1431982)', PRODUCT.astagraf1cap, ASTAGRAF],
    ['Envarsus XR named only in the text', { rxnorm: '42316', name: 'Envarsus XR 4 mg tablet' }, ENVARSUS],
    [
      'Advagraf, the name of Astagraf XL outside the US',
      { rxnorm: '42316', name: 'Advagraf 1 mg' },
      ASTAGRAF,
    ],
    [
      'tacrolimus "XL" of no named brand: a search, not a guess between the two labels',
      { rxnorm: '42316', name: 'tacrolimus XL 1 mg capsule' },
      TACROLIMUS_ER,
    ],
  ])('a low trough on %s', (_name, product, label) => {
    expect(labelsOf(cardOf('tacrolimus-trough-low', lowTroughOn(product)))).toEqual([label]);
  });

  it('links CellCept, and only CellCept, for MMF 4 × 500 mg twice daily', () => {
    expect(labelsOf(cardOf('mycophenolate-dose-high', highDoseOf(PRODUCT.mmf500tab, 4)))).toEqual([CELLCEPT]);
  });

  it('links Myfortic, and only Myfortic, for MPA 4 × 360 mg twice daily', () => {
    expect(labelsOf(cardOf('mycophenolate-dose-high', highDoseOf(PRODUCT.myfortic360tab, 4)))).toEqual([
      MYFORTIC,
    ]);
  });

  it('links Imuran for azathioprine tablets, Azasan for Azasan', () => {
    expect(labelsOf(azathioprineHighOn(PRODUCT.aza50tab))).toEqual([IMURAN]);
    expect(labelsOf(azathioprineHighOn(PRODUCT.azasan75tab))).toEqual([AZASAN]);
  });
});

describe('a figure the service derives is said to be derived, never put on a label (§6)', () => {
  it('attributes the MMF maximum at eGFR < 25 to the CellCept label', () => {
    const card = renalCardOf(PRODUCT.mmf500tab, 3);
    expect(card.detail).toContain(
      '**Target:** maximum at eGFR 18 (\\< 25): ≤ 2000 mg/day (CellCept label, severe chronic renal impairment).',
    );
    expect(card.detail).toContain(
      'CellCept label: in severe chronic renal impairment (GFR < 25 mL/min/1.73 m²) avoid doses above 1 g twice daily.',
    );
    expect(labelsOf(card)).toEqual([CELLCEPT]);
  });

  it('says the MPA maximum at eGFR < 25 (720 mg twice daily) is derived from the CellCept MMF limit', () => {
    const card = renalCardOf(PRODUCT.myfortic360tab, 3);
    expect(card.detail).toContain(
      '**Target:** maximum at eGFR 18 (\\< 25): ≤ 1440 mg/day (derived by this service from the CellCept MMF limit).',
    );
    expect(card.detail).toContain(
      'The MPA maximum is derived by this service from that MMF limit (720 mg MPA ≈ 1000 mg MMF).',
    );
    expect(card.detail).not.toMatch(/(CellCept|Myfortic) label[^.]*720 mg/);
    // The source of the limit it was derived from, then the label of the product ordered.
    expect(labelsOf(card)).toEqual([CELLCEPT, MYFORTIC]);
  });

  it('gives the azathioprine range as the service default from a KDIGO 2024-based summary, not as the label', () => {
    const target = azathioprineHighOn(PRODUCT.aza50tab)
      .detail?.split('\n')
      .find((l) => l.startsWith('**Target:**'));
    expect(target).toBe(
      "**Target:** LN maintenance range: 1.5–2 mg/kg/day (this service's default, from a guideline summary citing KDIGO 2024).",
    );
  });

  it('calls the 90-day trough window what it is: a default of this service, not a guideline interval', () => {
    const card = cardOf('tacrolimus-trough-overdue', {
      orders: [
        prescription({
          id: 'tac',
          ...PRODUCT.tacrolimus1cap,
          dose: [1, 'mg'],
          timing: 'BID',
          sig: '1 mg twice daily',
        }),
      ],
    });
    expect(card.detail).toContain(
      "The 90-day window is this service's default (a site may change it), not a guideline interval.",
    );
    expect(card.detail).not.toContain('every 3 months');
  });
});
