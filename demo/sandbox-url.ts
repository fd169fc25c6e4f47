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
 * - `hook`: the view to open, here `patient-view` (also the Sandbox's default view:
 *   src/reducers/hook-reducers.js starts with `currentHook: 'patient-view'`).
 * - `serviceDiscoveryURL`: "a comma-separated list of URL encoded CDS service discovery
 *   endpoints" — one here.
 */
export const HOSTED_SANDBOX_URL = 'https://sandbox.cds-hooks.org/';

export interface SandboxLink {
  /** The Sandbox's own address: the hosted one, or a local build (`http://localhost:8080/`). */
  readonly sandbox: string;
  readonly discoveryUrl: string;
  readonly fhirServer: string;
  readonly patientId: string;
  readonly hook?: 'patient-view' | 'order-select' | 'order-sign';
}

export function buildSandboxUrl(link: SandboxLink): string {
  const base = link.sandbox.endsWith('/') ? link.sandbox : `${link.sandbox}/`;
  const parameters: [string, string][] = [
    ['hook', link.hook ?? 'patient-view'],
    ['serviceDiscoveryURL', link.discoveryUrl],
    ['fhirServiceUrl', link.fhirServer],
    ['patientId', link.patientId],
  ];
  return `${base}?${parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&')}`;
}
