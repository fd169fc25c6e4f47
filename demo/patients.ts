import { DEMO_PRACTITIONER_ID, startChart } from './chart';
import { CARD_PATIENTS } from './card-patients';
import { CONTROL_PATIENTS } from './control-patients';
import { buildPractitioner, daysAfter } from './fhir-builders';
import { SAFETY_CHECK_PATIENTS } from './safety-check-patients';
import type { RuleCode } from '../src/logic/vocabulary/rule-codes';
import type { DemoHook, PatientSpec, SandboxMedication } from './patient-spec';

export { DEMO_PRACTITIONER_ID } from './chart';

/**
 * The synthetic lupus nephritis patients of `npm run demo`: one per rule code (clinical-rules.md
 * §5 and clinical-rules-wave2.md §4), plus controls that must show nothing. Each declares the hook
 * it is shown in and the codes it is expected to show; test/demo/demo-patients.test.ts holds the
 * service to them. Every date is relative to `now`. Names, ids and records are invented.
 */
export interface DemoPatient {
  readonly id: string;
  /** Clearly synthetic, as the Sandbox's patient banner shows it. */
  readonly name: string;
  /** What the chart holds, in one line. */
  readonly story: string;
  readonly expectedCodes: readonly RuleCode[];
  readonly resources: readonly fhir4.Resource[];
  /** patient-view, or the order hook whose draft orders raise the cards. */
  readonly hook: DemoHook;
  /** The draft orders of `context.draftOrders` (order hooks only; empty for patient-view). */
  readonly drafts: readonly fhir4.MedicationRequest[];
  /** Order hooks: what the Sandbox's Rx View / Rx Sign form is prefilled with. */
  readonly sandboxOrder?: SandboxOrder;
}

/** The Sandbox's order form, resolved for `now` (cds-hooks/sandbox README, `prescribed*` parameters). */
export interface SandboxOrder {
  readonly medication: SandboxMedication;
  readonly number: number;
  readonly frequency: 'daily' | 'bid' | 'tid' | 'qid';
  /** YYYY-MM-DD, as the Sandbox's date picker writes `boundsPeriod.end`. */
  readonly endDate?: string;
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
  // The record is what the FHIR server holds; the drafts are what the order hook sends.
  const recorded = chart.resources.length;
  if (chart.drafts.length > 0) throw new Error(`${spec.id}: draft orders belong in order.drafts`);
  spec.order?.drafts(chart);
  if (chart.resources.length !== recorded) throw new Error(`${spec.id}: order.drafts writes drafts only`);
  const sandbox = spec.order?.sandbox;
  return {
    id: spec.id,
    name: `${spec.given} ${FAMILY}`,
    story: spec.story,
    expectedCodes: spec.expectedCodes,
    resources: chart.resources,
    hook: spec.order?.hook ?? 'patient-view',
    drafts: chart.drafts,
    ...(sandbox
      ? {
          sandboxOrder: {
            medication: sandbox.medication,
            number: sandbox.number,
            frequency: sandbox.frequency,
            ...(sandbox.endInDays !== undefined
              ? { endDate: daysAfter(now, sandbox.endInDays).slice(0, 10) }
              : {}),
          },
        }
      : {}),
  };
}

/** The demo patients for `now`: card patients first, then the safety checks, then the controls. */
export function buildDemoPatients(now: Date): DemoPatient[] {
  return [...CARD_PATIENTS, ...SAFETY_CHECK_PATIENTS, ...CONTROL_PATIENTS].map((spec) =>
    buildPatientFrom(spec, now),
  );
}

/** Everything the demo FHIR server holds: the patients and the Sandbox's user. */
export function buildDemoResources(patients: readonly DemoPatient[]): fhir4.Resource[] {
  return [buildPractitioner(DEMO_PRACTITIONER_ID), ...patients.flatMap((patient) => patient.resources)];
}
