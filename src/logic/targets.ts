/**
 * Every clinical threshold and window the rules use, with its source. These are defaults: a site
 * may override any of them with CDS_TARGETS_FILE (validated at start-up), without code changes
 * (clinical-rules.md §6, last bullet).
 */
export interface Range {
  readonly min: number;
  readonly max: number;
}

export interface Targets {
  /** §4: induction while now < therapy start + this many calendar months. */
  readonly inductionMonths: number;
  readonly tacrolimus: {
    /** §5: LN maintenance trough target, ng/mL, inclusive (KDIGO 2024; tacrolimus trough summary). */
    readonly troughNgPerMl: Range;
    /** §5: the latest level must be within this many days to be judged. */
    readonly levelWindowDays: number;
    /** §5: trough overdue when tacrolimus started ≥ this many days ago and no level in the window. */
    readonly overdueAfterDays: number;
  };
  readonly mycophenolate: {
    /** §5 daily dose ranges, mg/day, inclusive. MMF = mycophenolate mofetil; MPA = mycophenolic acid. */
    readonly mmfMaintenanceMgPerDay: Range;
    readonly mmfInductionMgPerDay: Range;
    readonly mpaMaintenanceMgPerDay: Range;
    readonly mpaInductionMgPerDay: Range;
    /**
     * Multitarget (with tacrolimus) in maintenance. With tacrolimus a dose card fires only outside
     * both this and the full-dose maintenance range (§5); in induction only the induction max applies.
     */
    readonly mmfMultitargetMaintenanceMgPerDay: Range;
    readonly mpaMultitargetMaintenanceMgPerDay: Range;
    /** CellCept label: avoid > 1 g twice daily when eGFR < 25 mL/min/1.73 m². */
    readonly renal: {
      readonly egfrBelow: number;
      readonly egfrWindowDays: number;
      readonly mmfMaxMgPerDay: number;
      readonly mpaMaxMgPerDay: number;
    };
    /** MPA trough: remission seen at about 2 mg/L (6.2 µmol/L). */
    readonly mpaTroughMinMgPerL: number;
    readonly mpaTroughWindowDays: number;
    /** MPA AUC0-12: literature target 60–90 mg·h/L, not a guideline. */
    readonly mpaAucMgHPerL: Range;
    readonly mpaAucWindowDays: number;
  };
  readonly glucocorticoid: {
    /** Prednisone-equivalent mg/day in maintenance; strictly above fires. */
    readonly maintenanceMaxMgPerDay: number;
    /** With tacrolimus + mycophenolate (multitarget regimen). */
    readonly multitargetMaintenanceMaxMgPerDay: number;
  };
  readonly azathioprine: {
    readonly maxMgPerKgPerDay: number;
    readonly minMgPerKgPerDay: number;
    /** "dose low" applies only during the first N months of azathioprine therapy. */
    readonly lowDoseCheckMonths: number;
    /** Body weight must be at most this many months old. */
    readonly weightWindowMonths: number;
  };
  readonly discontinuation: {
    /** ≥ 36 months of total immunosuppression recommended for proliferative LN. */
    readonly minimumTherapyMonths: number;
    /** patient-view looks back this far for a stop that already happened. */
    readonly recentStopMonths: number;
  };
  /** Wave 2 §4.7a: re-induction after a flare restarts the phase and the 36-month clock. */
  readonly reInduction: {
    /** A cyclophosphamide / anti-CD20 / IV methylprednisolone start counts from therapy start + N months. */
    readonly afterTherapyStartMonths: number;
    /** Events less than N months after the previous one belong to the same course. */
    readonly sameCourseMonths: number;
    /** An IV methylprednisolone single dose ≥ this is a pulse (KDIGO 2024: 0.25–0.5 g/day). */
    readonly methylprednisolonePulseMinMg: number;
  };
  /** Wave 2 §3 and rules 1a / 7b. */
  readonly pregnancy: {
    /** Evidence counts for 294 days (42 weeks, the longest plausible pregnancy; service default). */
    readonly evidenceWindowDays: number;
    /** 7b: a qualitative hCG in the last N days (CellCept label 8.3: immediately before starting). */
    readonly testWindowDays: number;
    /** 7b: a mycophenolate draft is a new start when none was active in the last N days. */
    readonly newStartLookbackDays: number;
    /** 7b: age band used as the proxy for "female of reproductive potential" (service default). */
    readonly reproductiveAgeYears: Range;
  };
  /** Wave 2 §4.2 rule 2b: azathioprine at most ⅓ of the 2.0 mg/kg/day maximum with allopurinol (derived). */
  readonly azathioprineWithAllopurinol: { readonly maxMgPerKgPerDay: number };
  /** Wave 2 §4.3 rule 3 (ESE/ES 2024; service defaults). */
  readonly glucocorticoidStop: {
    /** A stop at ≥ this prednisone-equivalent mg/day needs a taper. */
    readonly minMgPerDay: number;
    /** … after a continuous run of at least this many days. */
    readonly minRunDays: number;
    /** A draft whose planned end is within N days ends the therapy as a stop does. */
    readonly endHorizonDays: number;
    /** Orders whose planned end lies ≤ N days before the next one's start form one run. */
    readonly runGapDays: number;
  };
  /** Wave 2 §4.4 rules 4a and 4b. */
  readonly cniKidney: {
    /** 4a: eGFR or creatinine at least every N days on tacrolimus or cyclosporine (service default). */
    readonly tacrolimusCyclosporineWindowDays: number;
    /** 4a: … on voclosporin (Lupkynis label: every 4 weeks after the first month). */
    readonly voclosporinWindowDays: number;
    /** 4b: baseline = latest eGFR in the N days up to the CNI's first start. */
    readonly baselineWindowDays: number;
    /** 4b: current = latest eGFR of the last N days. */
    readonly currentWindowDays: number;
    /** 4b: fires only below this eGFR (mL/min/1.73 m²; Lupkynis label). */
    readonly egfrBelow: number;
    /** 4b: … and more than this % below baseline (Lupkynis label: > 20 %). */
    readonly declinePercentAbove: number;
    /** 4b: from this % the voclosporin label says discontinue rather than reduce. */
    readonly voclosporinDiscontinuePercent: number;
  };
}

export const DEFAULT_TARGETS: Targets = deepFreeze({
  inductionMonths: 6,
  tacrolimus: {
    troughNgPerMl: { min: 4.0, max: 6.0 },
    levelWindowDays: 90,
    overdueAfterDays: 90,
  },
  mycophenolate: {
    mmfMaintenanceMgPerDay: { min: 1500, max: 2000 },
    mmfInductionMgPerDay: { min: 2000, max: 3000 },
    mpaMaintenanceMgPerDay: { min: 1080, max: 1440 },
    mpaInductionMgPerDay: { min: 1440, max: 2160 },
    mmfMultitargetMaintenanceMgPerDay: { min: 500, max: 750 },
    mpaMultitargetMaintenanceMgPerDay: { min: 360, max: 540 },
    renal: { egfrBelow: 25, egfrWindowDays: 90, mmfMaxMgPerDay: 2000, mpaMaxMgPerDay: 1440 },
    mpaTroughMinMgPerL: 2.0,
    mpaTroughWindowDays: 90,
    mpaAucMgHPerL: { min: 60, max: 90 },
    mpaAucWindowDays: 180,
  },
  glucocorticoid: { maintenanceMaxMgPerDay: 7.5, multitargetMaintenanceMaxMgPerDay: 10 },
  azathioprine: {
    maxMgPerKgPerDay: 2.0,
    minMgPerKgPerDay: 1.5,
    lowDoseCheckMonths: 18,
    weightWindowMonths: 12,
  },
  discontinuation: { minimumTherapyMonths: 36, recentStopMonths: 12 },
  reInduction: { afterTherapyStartMonths: 6, sameCourseMonths: 6, methylprednisolonePulseMinMg: 250 },
  pregnancy: {
    evidenceWindowDays: 294,
    testWindowDays: 7,
    newStartLookbackDays: 90,
    reproductiveAgeYears: { min: 12, max: 50 },
  },
  azathioprineWithAllopurinol: { maxMgPerKgPerDay: 0.67 },
  glucocorticoidStop: { minMgPerDay: 5, minRunDays: 28, endHorizonDays: 14, runGapDays: 7 },
  cniKidney: {
    tacrolimusCyclosporineWindowDays: 90,
    voclosporinWindowDays: 28,
    baselineWindowDays: 90,
    currentWindowDays: 90,
    egfrBelow: 60,
    declinePercentAbove: 20,
    voclosporinDiscontinuePercent: 30,
  },
});

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child as object);
  }
  return Object.freeze(value);
}
