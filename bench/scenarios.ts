import type { PrefetchVariant } from './bodies';
import type { BenchAlgorithm } from './jwt';
import { LONG, TYPICAL, scaleShape, type RecordShape } from './records';

/**
 * What `npm run bench` measures. Each patient is one synthetic record on the EHR's FHIR server;
 * each scenario one request body sent again and again to the service and, alternately, to the
 * floor.
 */
export type PatientKey = 'typical' | 'long-x1' | 'long-x4' | 'long-x16';

export const PATIENTS: Readonly<Record<PatientKey, RecordShape>> = {
  typical: TYPICAL,
  'long-x1': LONG,
  'long-x4': scaleShape(LONG, 4),
  'long-x16': scaleShape(LONG, 16),
};

export function patientIdOf(key: PatientKey): string {
  return `bench-${key}`;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly serviceId: 'ln-patient-view' | 'ln-order-sign';
  readonly patient: PatientKey;
  /** How the data reaches the service: a prefetch variant, or none (FHIR fallback). */
  readonly data: PrefetchVariant | 'fallback';
  readonly draftOrders?: boolean;
  /**
   * The production path: NODE_ENV=production, CDS_AUTH=required, a unique JWT signed with this
   * algorithm on every request; the floor verifies the same token with jose.
   */
  readonly jwt?: BenchAlgorithm;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'pv-typical',
    title: 'patient-view, typical record (1 y), full prefetch',
    serviceId: 'ln-patient-view',
    patient: 'typical',
    data: 'bounded',
  },
  {
    name: 'pv-long',
    title: 'patient-view, long record (5 y), full prefetch',
    serviceId: 'ln-patient-view',
    patient: 'long-x1',
    data: 'bounded',
  },
  {
    name: 'pv-long-x4',
    title: 'patient-view, long ×4, full prefetch',
    serviceId: 'ln-patient-view',
    patient: 'long-x4',
    data: 'bounded',
  },
  {
    name: 'pv-long-x16',
    title: 'patient-view, long ×16, full prefetch',
    serviceId: 'ln-patient-view',
    patient: 'long-x16',
    data: 'bounded',
  },
  {
    name: 'pv-long-all-labs',
    title: 'patient-view, long record, labs unbounded',
    serviceId: 'ln-patient-view',
    patient: 'long-x1',
    data: 'unbounded-labs',
  },
  {
    name: 'pv-long-x4-all-labs',
    title: 'patient-view, long ×4, labs unbounded',
    serviceId: 'ln-patient-view',
    patient: 'long-x4',
    data: 'unbounded-labs',
  },
  {
    name: 'pv-long-x16-all-labs',
    title: 'patient-view, long ×16, labs unbounded',
    serviceId: 'ln-patient-view',
    patient: 'long-x16',
    data: 'unbounded-labs',
  },
  {
    name: 'os-long-draft',
    title: 'order-sign with a draft MMF order, long record, full prefetch',
    serviceId: 'ln-order-sign',
    patient: 'long-x1',
    data: 'bounded',
    draftOrders: true,
  },
  {
    name: 'pv-long-jwt-rs384',
    title: 'patient-view, long record, production with an RS384 client JWT per request (Epic)',
    serviceId: 'ln-patient-view',
    patient: 'long-x1',
    data: 'bounded',
    jwt: 'RS384',
  },
  {
    name: 'pv-long-jwt-es384',
    title: 'patient-view, long record, production with an ES384 client JWT per request (CDS Hooks Sandbox)',
    serviceId: 'ln-patient-view',
    patient: 'long-x1',
    data: 'bounded',
    jwt: 'ES384',
  },
  {
    name: 'pv-long-fallback',
    title: 'patient-view, long record, no prefetch (FHIR fallback)',
    serviceId: 'ln-patient-view',
    patient: 'long-x1',
    data: 'fallback',
  },
];

/**
 * The regression guard: hook/floor on the long record with prefetch stays at or above 0.6 (the
 * service has measured ~0.64 on a 2-vCPU VM; docs/performance.md). Its scenario gets 8 rounds
 * unless --rounds says otherwise: its rounds scatter by ±0.1 on a shared VM, and the 95 % interval
 * of 3 rounds (~±0.15) could not settle the guard either way (ratio-interval.ts).
 */
export const GUARD = { scenario: 'pv-long', ratio: 0.6, rounds: 8 } as const;

/** The service's default body limit (README: CDS_MAX_BODY = 2mb); raised only for bodies above it. */
export const DEFAULT_MAX_BODY = 2 * 1024 * 1024;

export function bodyLimitFor(bodyBytes: number): number {
  return bodyBytes <= DEFAULT_MAX_BODY * 0.9
    ? DEFAULT_MAX_BODY
    : Math.ceil((bodyBytes * 1.25) / 1048576) * 1048576;
}
