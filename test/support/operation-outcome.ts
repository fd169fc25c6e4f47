/**
 * The whole OperationOutcome the service answers a refusal with (src/hooks/operation-outcome.ts):
 * tests compare response bodies against it exactly, so no field can go missing unnoticed.
 */
export function operationOutcome(code: string, errorCode: string, text: string, expression?: string) {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code,
        details: { coding: [{ system: 'urn:ln-cds-hooks:error', code: errorCode }], text },
        ...(expression ? { expression: [expression] } : {}),
      },
    ],
  };
}
