import type { CdsError } from '../errors';

/** FHIR R4 OperationOutcome (https://hl7.org/fhir/R4/operationoutcome.html) for error bodies. */
const ISSUE_CODE: Readonly<Record<CdsError['code'], fhir4.OperationOutcomeIssue['code']>> = {
  'invalid-json': 'structure',
  'invalid-request': 'invalid',
  'wrong-hook': 'invalid',
  'unknown-service': 'not-found',
  'not-found': 'not-found',
  'method-not-allowed': 'not-supported',
  'payload-too-large': 'too-costly',
  'unsupported-media-type': 'not-supported',
  unauthorized: 'login',
  'admin-token-required': 'login',
  'admin-forbidden': 'forbidden',
  'fhir-authorization-required': 'login',
  'fhir-server-forbidden': 'forbidden',
  'data-unavailable': 'incomplete',
  'fhir-server-not-allowed': 'forbidden',
  'deadline-exceeded': 'timeout',
  'store-unavailable': 'transient',
  internal: 'exception',
};

export function toOperationOutcome(error: CdsError): fhir4.OperationOutcome {
  const code = ISSUE_CODE[error.code];
  const issues: fhir4.OperationOutcomeIssue[] =
    error.issues.length > 0
      ? error.issues.map((issue) => ({
          severity: 'error',
          code,
          details: { coding: [{ system: 'urn:ln-cds-hooks:error', code: error.code }], text: issue.message },
          ...(issue.location ? { expression: [issue.location] } : {}),
        }))
      : [
          {
            severity: 'error',
            code,
            details: { coding: [{ system: 'urn:ln-cds-hooks:error', code: error.code }], text: error.message },
          },
        ];
  return { resourceType: 'OperationOutcome', issue: issues };
}
