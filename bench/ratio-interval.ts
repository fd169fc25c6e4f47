/**
 * How sure one run of the bench is about a hook/floor ratio. Each round measures the floor and the
 * hook back to back, so each round's ratio is one paired observation; on a shared virtual machine
 * they scatter by ±0.1 around their centre (docs/performance.md), so three rounds cannot tell 0.60
 * from 0.65.
 *
 * The centre is the geometric mean of the rounds' ratios (a ratio and its inverse weigh the same),
 * the interval Student's t on their logarithms. It describes the scatter within one run only: rounds
 * close in time are not quite independent, and one run differs from the next by more than its
 * rounds do (the machine's speed drifts over minutes), so the interval is a guide, not a guarantee.
 */
export interface RatioInterval {
  readonly rounds: number;
  readonly mean: number;
  /** Two-sided 95 % interval of the mean. */
  readonly low: number;
  readonly high: number;
}

/** t(0.975) for 1…30 degrees of freedom; beyond, 1.96 + 2.4 / df (within 0.003 of the table). */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function t975(degreesOfFreedom: number): number {
  return T_975[degreesOfFreedom - 1] ?? 1.96 + 2.4 / degreesOfFreedom;
}

/**
 * undefined with fewer than two rounds (a smoke run: no spread), and when any round measured
 * nothing (a ratio of 0 or not a number): leaving that round out would flatter the hook.
 */
export function ratioInterval(ratios: readonly number[]): RatioInterval | undefined {
  const n = ratios.length;
  if (n < 2 || ratios.some((ratio) => !Number.isFinite(ratio) || ratio <= 0)) return undefined;
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((sum, value) => sum + value, 0) / n;
  const variance = logs.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1);
  const half = t975(n - 1) * Math.sqrt(variance / n);
  return { rounds: n, mean: Math.exp(mean), low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

export type Verdict = 'met' | 'not met' | 'undecided';

/** A target ratio is met (or not) only when the whole interval is on one side of it. */
export function verdictOf(interval: RatioInterval, target: number): Verdict {
  if (interval.low >= target) return 'met';
  if (interval.high < target) return 'not met';
  return 'undecided';
}
