import { formatJwtShare, type ScenarioFigures, type SideFigures } from '../../bench/report';

// The JWT line under the bench table: verification's share from the floors, the production path's from the hooks.
function side(cpuMsPerRequest: number): SideFigures {
  return { rps: 1000, p50: 10, p99: 30, peakRssMb: 150, requests: 10_000, cpuMsPerRequest };
}

function row(name: string, floorCpu: number, hookCpu: number, roundRatios: number[]): ScenarioFigures {
  return {
    name,
    title: name,
    bodyKb: 88.9,
    limitMb: 2,
    floor: side(floorCpu),
    hook: side(hookCpu),
    cards: '',
    roundRatios,
    non2xx: 0,
  };
}

const SCENARIOS = [
  { name: 'pv-long', patient: 'long-x1', data: 'bounded', serviceId: 'ln-patient-view' },
  {
    name: 'pv-long-jwt-es384',
    jwt: 'ES384',
    patient: 'long-x1',
    data: 'bounded',
    serviceId: 'ln-patient-view',
  },
];

describe('the JWT line of the bench', () => {
  it('gives ES384 verification as the floor’s extra CPU over the authenticated hook’s CPU', () => {
    const line = formatJwtShare(
      [row('pv-long', 0.8, 1.9, [0.42, 0.44]), row('pv-long-jwt-es384', 1.7, 3.0, [0.7, 0.72])],
      SCENARIOS,
    );
    expect(line).toBe(
      "pv-long-jwt-es384: JWT verification (floor 1.70 − 0.80 ms/req) 0.90 ms = 30 % of the hook's 3.00 ms; " +
        "the production path adds 1.10 ms to pv-long's hook (37 %); target hook/floor ≥ pv-long's 0.43 − 0.05",
    );
  });

  it('is empty when the run has no unauthenticated scenario to compare with', () => {
    expect(formatJwtShare([row('pv-long-jwt-es384', 1.7, 3.0, [0.7])], SCENARIOS)).toBe('');
  });
});
