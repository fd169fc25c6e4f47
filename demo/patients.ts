import { DEMO_PRACTITIONER_ID, startChart } from './chart';
import { CARD_PATIENTS } from './card-patients';
import { CONTROL_PATIENTS } from './control-patients';
import { buildPractitioner } from './fhir-builders';
import type { RuleCode } from '../src/logic/vocabulary/rule-codes';
import type { PatientSpec } from './patient-spec';

export { DEMO_PRACTITIONER_ID } from './chart';

/**
 * The synthetic lupus nephritis patients of `npm run demo`: one per rule code a patient-view can
 * show (clinical-rules.md §5), plus controls that must show nothing. Each declares the codes it
 * is expected to show; test/demo/demo-patients.test.ts holds the service to them. Every date is
 * relative to `now`. Names, ids and records are invented.
 */
export interface DemoPatient {
  readonly id: string;
  /** Clearly synthetic, as the Sandbox's patient banner shows it. */
  readonly name: string;
  /** What the chart holds, in one line. */
  readonly story: string;
  readonly expectedCodes: readonly RuleCode[];
  readonly resources: readonly fhir4.Resource[];
}

/** Every demo patient is a "Demopatient": clearly synthetic in the Sandbox's patient banner. */
const FAMILY = 'Demopatient';

function buildPatientFrom(spec: PatientSpec, now: Date): DemoPatient {
  const chart = startChart(now, {
    id: spec.id,
    given: spec.given,
    family: FAMILY,
    gender: spec.gender,
    age: spec.age,
  });
  spec.chart(chart);
  return {
    id: spec.id,
    name: `${spec.given} ${FAMILY}`,
    story: spec.story,
    expectedCodes: spec.expectedCodes,
    resources: chart.resources,
  };
}

/** The demo patients for `now`: card patients first, then the controls. */
export function buildDemoPatients(now: Date): DemoPatient[] {
  return [...CARD_PATIENTS, ...CONTROL_PATIENTS].map((spec) => buildPatientFrom(spec, now));
}

/** Everything the demo FHIR server holds: the patients and the Sandbox's user. */
export function buildDemoResources(patients: readonly DemoPatient[]): fhir4.Resource[] {
  return [buildPractitioner(DEMO_PRACTITIONER_ID), ...patients.flatMap((patient) => patient.resources)];
}
