import { ratioInterval, t975, verdictOf } from '../../bench/ratio-interval';
import { formatGuardVerdict, type ScenarioFigures } from '../../bench/report';
import { GUARD } from '../../bench/scenarios';

/**
 * The bench says whether a run shows its regression guard (hook/floor ≥ 0.6 on the long record)
 * holding or broken, from the per-round ratios of that run.
 */

/** The interval worked out by hand from the textbook formula, with the t value given. */
function studentBounds(ratios: number[], t: number): { low: number; high: number } {
  const logs = ratios.map(Math.log);
  const mean = logs.reduce((a, b) => a + b) / logs.length;
  const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
  const half = (t * sd) / Math.sqrt(logs.length);
  return { low: Math.exp(mean - half), high: Math.exp(mean + half) };
}

describe('how sure one bench run is about hook/floor', () => {
  it('centres on the geometric mean of the rounds: a round at half and one at double the floor average to the floor', () => {
    expect(ratioInterval([0.5, 2])?.mean).toBeCloseTo(1, 10);
  });

  it('gives the Student-t interval of the log ratios (three rounds: t = 4.303)', () => {
    const interval = ratioInterval([0.6, 0.65, 0.7]);
    const expected = studentBounds([0.6, 0.65, 0.7], 4.303);
    expect(interval?.low).toBeCloseTo(expected.low, 6);
    expect(interval?.high).toBeCloseTo(expected.high, 6);
  });

  it("uses the t quantile of the run's rounds: 8 rounds (pv-long's default) t = 2.365; beyond the table, 40 rounds ≈ 2.02", () => {
    const eight = [0.6, 0.66, 0.63, 0.7, 0.61, 0.68, 0.64, 0.65];
    expect(ratioInterval(eight)?.high).toBeCloseTo(studentBounds(eight, 2.365).high, 6);
    expect(t975(30)).toBe(2.042);
    expect(t975(39)).toBeCloseTo(2.023, 2);
    expect(t975(120)).toBeCloseTo(1.98, 2);
  });

  it('counts a guard met when the interval starts exactly at it, undecided when it ends there', () => {
    expect(verdictOf({ rounds: 8, mean: 0.62, low: 0.6, high: 0.64 }, 0.6)).toBe('met');
    expect(verdictOf({ rounds: 8, mean: 0.58, low: 0.56, high: 0.6 }, 0.6)).toBe('undecided');
    expect(verdictOf({ rounds: 8, mean: 0.58, low: 0.56, high: 0.599 }, 0.6)).toBe('not met');
  });

  it('cannot settle 0.6 from three rounds scattered as they do on a shared VM (0.52–0.68)', () => {
    const interval = ratioInterval([0.52, 0.6, 0.68]);
    expect(interval).toBeDefined();
    expect(interval && verdictOf(interval, 0.6)).toBe('undecided');
  });

  it('settles it either way once every round is well clear of it', () => {
    const above = ratioInterval([0.66, 0.68, 0.7, 0.67, 0.69, 0.71, 0.68, 0.7]);
    const below = ratioInterval([0.5, 0.53, 0.52, 0.54, 0.51, 0.53, 0.52, 0.5]);
    expect(above && verdictOf(above, 0.6)).toBe('met');
    expect(below && verdictOf(below, 0.6)).toBe('not met');
  });

  it('narrows as rounds are added at the same scatter', () => {
    const three = ratioInterval([0.62, 0.68, 0.65]);
    const nine = ratioInterval([0.62, 0.68, 0.65, 0.62, 0.68, 0.65, 0.62, 0.68, 0.65]);
    expect(three && nine).toBeDefined();
    if (three && nine) expect(nine.high - nine.low).toBeLessThan((three.high - three.low) / 3);
  });

  it('gives no interval for a single round (a smoke run), nor when a round measured nothing (leaving it out would flatter the hook)', () => {
    expect(ratioInterval([0.7])).toBeUndefined();
    expect(ratioInterval([0.7, Number.NaN, 0.72])).toBeUndefined();
    expect(ratioInterval([0.7, 0, 0.72])).toBeUndefined();
  });
});

describe('the line the bench prints under its table', () => {
  const row = (roundRatios: number[]): ScenarioFigures => {
    const side = { rps: 1000, p50: 5, p99: 15, peakRssMb: 200, requests: 5000, cpuMsPerRequest: 0.8 };
    return {
      name: 'pv-long',
      title: 'long',
      bodyKb: 46,
      limitMb: 2,
      floor: side,
      hook: side,
      cards: '',
      roundRatios,
      non2xx: 0,
    };
  };

  it('says a run with rounds straddling 0.6 does not settle it, and how to narrow it', () => {
    expect(formatGuardVerdict(row([0.52, 0.6, 0.68]), GUARD.ratio)).toMatch(
      /^pv-long hook\/floor ≥ 0\.60 \(regression guard\): not settled by this run \(rounds' mean 0\.60, 95 % interval 0\.\d\d–0\.\d\d over 3 rounds\); more --rounds/,
    );
  });

  it('says the guard holds when eight rounds around 0.65 keep the interval above 0.6', () => {
    expect(formatGuardVerdict(row([0.6, 0.66, 0.63, 0.7, 0.61, 0.68, 0.64, 0.65]), GUARD.ratio)).toBe(
      "pv-long hook/floor ≥ 0.60 (regression guard): holds (rounds' mean 0.65, 95 % interval 0.62–0.67 over 8 rounds)",
    );
  });

  it('says the guard is broken when the whole interval is below 0.6, and asks for a second run first', () => {
    expect(formatGuardVerdict(row([0.5, 0.53, 0.52, 0.54, 0.51, 0.53, 0.52, 0.5]), GUARD.ratio)).toBe(
      "pv-long hook/floor ≥ 0.60 (regression guard): broken (rounds' mean 0.52, 95 % interval 0.51–0.53 over 8 rounds); run again before looking for a regression",
    );
  });

  it('says when a round measured nothing instead of giving a verdict', () => {
    expect(formatGuardVerdict(row([0.62, 0, 0.64]), GUARD.ratio)).toBe(
      'pv-long hook/floor ≥ 0.60 (regression guard): a round measured nothing, no interval (see non-2xx)',
    );
  });

  it('asks for more rounds when there was one', () => {
    expect(formatGuardVerdict(row([0.66]), GUARD.ratio)).toBe(
      'pv-long hook/floor ≥ 0.60 (regression guard): one round, no interval (run more --rounds)',
    );
  });
});
