import type { SandboxOrder } from './patients';
import type { DemoHook } from './patient-spec';

/**
 * A link that opens the CDS Hooks Sandbox on one demo patient, against the demo FHIR server and
 * our discovery endpoint.
 *
 * The Sandbox reads its start-up configuration from the query string — cds-hooks/sandbox
 * README.md, "Pre-configuration via URL parameters" (added by cds-hooks/sandbox PR #40):
 * - `fhirServiceUrl`: the FHIR base URL, URL-encoded. src/retrieve-data-helpers/
 *   fhir-metadata-retrieval.js takes `queryString.parse(window.location.search).fhirServiceUrl`
 *   before the FHIR server cached in localStorage and before its default server.
 * - `patientId`: the Patient id on that server (src/retrieve-data-helpers/patient-retrieval.js
 *   reads `parsed.patientId` when the Sandbox was not SMART-launched).
 * - `hook` and `screen`: the hook and the view that fires it. src/components/MainView/
 *   main-view.jsx accepts `patient-view`, `order-select` and `order-sign` and takes the screen
 *   from `screen`, else from localStorage, else `patient-view` — so an order hook needs its
 *   screen: `rx-view` fires order-select, `rx-sign` order-sign (src/reducers/hook-reducers.js).
 * - `serviceDiscoveryURL`: "a comma-separated list of URL encoded CDS service discovery
 *   endpoints" — one here.
 * - `prescribedMedication` (an RxNorm code of the Sandbox's own medication list),
 *   `prescribedInstructionNumber`, `prescribedInstructionFrequency` (`daily`, `bid`, `tid`,
 *   `qid`) and `prescribedMedicationEndDate` prefill the order form of Rx View and Rx Sign
 *   (src/reducers/medication-reducers.js), from which the Sandbox writes its draft order.
 */
export const HOSTED_SANDBOX_URL = 'https://sandbox.cds-hooks.org/';

const SCREEN_BY_HOOK: Readonly<Record<DemoHook, string>> = {
  'patient-view': 'patient-view',
  'order-select': 'rx-view',
  'order-sign': 'rx-sign',
};

/** The Sandbox's names for its two order screens, as a tester sees them. */
export const SANDBOX_SCREEN_TITLE: Readonly<Record<DemoHook, string>> = {
  'patient-view': 'Patient View',
  'order-select': 'Rx View',
  'order-sign': 'Rx Sign',
};

export interface SandboxLink {
  /** The Sandbox's own address: the hosted one, or a local build (`http://localhost:8080/`). */
  readonly sandbox: string;
  readonly discoveryUrl: string;
  readonly fhirServer: string;
  readonly patientId: string;
  readonly hook?: DemoHook;
  /** Order hooks: the order the form is prefilled with. */
  readonly order?: SandboxOrder;
}

export function buildSandboxUrl(link: SandboxLink): string {
  const base = link.sandbox.endsWith('/') ? link.sandbox : `${link.sandbox}/`;
  const hook = link.hook ?? 'patient-view';
  const parameters: [string, string][] = [
    ['hook', hook],
    ...(hook === 'patient-view' ? [] : [['screen', SCREEN_BY_HOOK[hook]] as [string, string]]),
    ['serviceDiscoveryURL', link.discoveryUrl],
    ['fhirServiceUrl', link.fhirServer],
    ['patientId', link.patientId],
  ];
  if (link.order) {
    parameters.push(
      ['prescribedMedication', link.order.medication.code],
      ['prescribedInstructionNumber', String(link.order.number)],
      ['prescribedInstructionFrequency', link.order.frequency],
    );
    if (link.order.endDate) parameters.push(['prescribedMedicationEndDate', link.order.endDate]);
  }
  return `${base}?${parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&')}`;
}
