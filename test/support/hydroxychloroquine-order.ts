/**
 * Hydroxychloroquine 200 mg once daily since 2023, active — what KDIGO 2024 recommends for every
 * patient with LN (clinical-rules-wave2.md §4.5). HTTP scenarios about something else give it to
 * their patient so that `hydroxychloroquine-not-prescribed` adds no card of its own in patient-view.
 */
export function hydroxychloroquineOrder(patientId: string): Record<string, unknown> {
  return {
    resourceType: 'MedicationRequest',
    id: `${patientId}-hcq`,
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${patientId}` },
    authoredOn: '2023-02-17T09:00:00Z',
    medicationCodeableConcept: {
      coding: [
        {
          system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
          code: '979092',
          display: 'hydroxychloroquine sulfate 200 MG Oral Tablet',
        },
      ],
    },
    dosageInstruction: [
      {
        timing: {
          code: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'QD' }],
          },
        },
        doseAndRate: [
          { doseQuantity: { value: 1, unit: '{tbl}', system: 'http://unitsofmeasure.org', code: '{tbl}' } },
        ],
      },
    ],
  };
}
