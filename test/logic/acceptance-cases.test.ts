import { IMPLEMENTED_RULE_CODES, decide } from '../../src/logic/decide';
import type { HookName, PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { fixturesDir, loadAcceptanceCases } from '../support/fixtures';
import { sequentialIds } from './record-builders';

/**
 * Every acceptance case whose codes are implemented, run through decide() directly (the HTTP
 * runner in test/acceptance covers prefetch and FHIR fallback). The record is built from the
 * case's `fhir` and context; draft orders are R4 MedicationRequests in these cases.
 */

interface AcceptanceCase {
  id: string;
  title: string;
  hook: HookName;
  now: string;
  context: Record<string, unknown>;
  fhir: fhir4.Resource[];
  expect: { codes: string[] };
}

function draftsOf(context: Record<string, unknown>): fhir4.MedicationRequest[] {
  const bundle = (context.draftOrders ?? context.medications) as fhir4.Bundle | undefined;
  return (bundle?.entry ?? [])
    .map((entry) => entry.resource)
    .filter((r): r is fhir4.MedicationRequest => r?.resourceType === 'MedicationRequest');
}

function recordOf(c: AcceptanceCase): PatientRecord {
  const of = <T extends fhir4.Resource>(type: string): T[] =>
    c.fhir.filter((r) => r.resourceType === type) as T[];
  const [patient] = of<fhir4.Patient>('Patient');
  return {
    hook: c.hook,
    patientId: String(c.context.patientId),
    ...(patient ? { patient } : {}),
    conditions: of<fhir4.Condition>('Condition'),
    medicationRequests: of<fhir4.MedicationRequest>('MedicationRequest'),
    medications: of<fhir4.Medication>('Medication'),
    observations: of<fhir4.Observation>('Observation'),
    draftOrders: c.hook === 'patient-view' ? [] : draftsOf(c.context),
  };
}

const cases = loadAcceptanceCases(fixturesDir('acceptance')) as unknown as AcceptanceCase[];

const implemented = new Set<string>(IMPLEMENTED_RULE_CODES);
const ready = cases.filter((c) => c.expect.codes.every((code) => implemented.has(code)));

describe('acceptance cases through decide()', () => {
  it('are present', () => expect(ready.length).toBeGreaterThan(0));
  it.each(ready.map((c) => [`${c.id}: ${c.title}`, c] as const))('%s', (_name, c) => {
    const decision = decide({
      record: recordOf(c),
      now: new Date(c.now),
      newId: sequentialIds(),
      targets: DEFAULT_TARGETS,
    });
    const codes = decision.cards.map((card) => card.source.topic?.code).sort();
    expect(codes).toEqual([...c.expect.codes].sort());
  });
});
