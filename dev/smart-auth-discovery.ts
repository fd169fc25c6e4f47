/**
 * How clients find the demo SMART authorization server's endpoints: the SMART App Launch 2.x
 * `.well-known/smart-configuration` (§2.0.2 "Conformance"), and for pre-2.0 clients such as the
 * CDS Hooks Sandbox's fhir-client.js, the `oauth-uris` extension of the CapabilityStatement's
 * rest.security (SMART App Launch 1.0).
 */
interface Endpoints {
  readonly fhirBaseUrl: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
}

/** SMART App Launch 2.x §2.0.2 "Conformance" capabilities this server actually offers. */
const CAPABILITIES = [
  'launch-ehr',
  'client-public',
  'context-ehr-patient',
  'permission-v2',
  'permission-patient',
];

export function buildSmartConfiguration(endpoints: Endpoints): object {
  return {
    issuer: endpoints.fhirBaseUrl,
    authorization_endpoint: endpoints.authorizeUrl,
    token_endpoint: endpoints.tokenUrl,
    token_endpoint_auth_methods_supported: ['none'],
    grant_types_supported: ['authorization_code'],
    response_types_supported: ['code'],
    scopes_supported: ['launch', 'patient/*.rs', 'patient/*.read'],
    code_challenge_methods_supported: ['S256'],
    capabilities: CAPABILITIES,
  };
}

export function buildCapabilityStatement(endpoints: Endpoints): object {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    date: '2026-01-01',
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [
                { url: 'authorize', valueUri: endpoints.authorizeUrl },
                { url: 'token', valueUri: endpoints.tokenUrl },
              ],
            },
          ],
        },
      },
    ],
  };
}
