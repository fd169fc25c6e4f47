import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, mmf, record, sequentialIds, tacrolimus } from './record-builders';

/**
 * FHIR R4 MedicationRequest.intent is a modifier element: a proposal, a plan or an option in the
 * record is not a drug the patient is given, so it must not count as therapy (a wrong card is
 * worse than none). Drafts of the hook are the order being written and always count.
 */
const codes = (parts: Partial<PatientRecord>): string[] =>
  decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS }).findings.map(
    (f) => f.code,
  );

const azathioprineProposal = (intent: 'proposal' | 'plan' | 'option' | 'order') => ({
  ...mmf({ id: `aza-${intent}`, start: '2024-01-01' }),
  intent,
  medicationCodeableConcept: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197388' }],
    text: 'azathioprine 50 MG Oral Tablet',
  },
  dosageInstruction: [
    { timing: { code: { text: 'QD' } }, doseAndRate: [{ doseQuantity: { value: 1, unit: 'TAB' } }] },
  ],
});

describe('orders that are not orders (intent)', () => {
  it.each(['proposal', 'plan', 'option'] as const)(
    'an azathioprine %s beside mycophenolate is not two antimetabolites',
    (intent) => {
      expect(
        codes({
          medicationRequests: [
            mmf({ start: '2024-01-01' }),
            tacrolimus({ start: '2024-01-01' }),
            azathioprineProposal(intent),
          ],
        }),
      ).not.toContain('overimmunosuppression');
    },
  );

  it('an azathioprine order beside mycophenolate is two antimetabolites', () => {
    expect(
      codes({ medicationRequests: [mmf({ start: '2024-01-01' }), azathioprineProposal('order')] }),
    ).toContain('overimmunosuppression');
  });
});
