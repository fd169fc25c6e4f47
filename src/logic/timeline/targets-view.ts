import { DEFAULT_TARGETS, type Targets } from '../targets';

/** The target bands the chart draws, from the targets the rules judge with. */
export interface TimelineTargets {
  /**
   * clinical-rules.md §5: the tacrolimus trough band. The service judges troughs in maintenance
   * only, so the band is the maintenance one (`phase`), whatever the patient's phase; null when
   * the LN targets do not apply (out of scope).
   */
  readonly tacrolimus: {
    readonly min: number;
    readonly max: number;
    readonly unit: string;
    readonly phase: 'induction' | 'maintenance';
    readonly source: string;
  } | null;
  readonly mpaTrough?: { readonly min: number; readonly unit: string };
  readonly mpaAuc?: { readonly min: number; readonly max: number; readonly unit: string };
}

export function describeTargets(targets: Targets): TimelineTargets {
  const trough = targets.tacrolimus.troughNgPerMl;
  const isDefault =
    trough.min === DEFAULT_TARGETS.tacrolimus.troughNgPerMl.min &&
    trough.max === DEFAULT_TARGETS.tacrolimus.troughNgPerMl.max;
  return {
    tacrolimus: {
      min: trough.min,
      max: trough.max,
      unit: 'ng/mL',
      phase: 'maintenance',
      // A site that changed the band answers for it; the guideline is the source of the default only.
      source: isDefault
        ? 'KDIGO 2024 LN guideline; tacrolimus trough target for LN maintenance'
        : 'site target',
    },
    mpaTrough: { min: targets.mycophenolate.mpaTroughMinMgPerL, unit: 'mg/L' },
    mpaAuc: { ...targets.mycophenolate.mpaAucMgHPerL, unit: 'mg·h/L' },
  };
}
