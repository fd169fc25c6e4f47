import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, order, record, sequentialIds, tacrolimus, tacrolimusLevel } from './record-builders';

/**
 * Medication names of clinical-rules.md §2 as EHRs write them.
 */
function decideWith(parts: Partial<PatientRecord>) {
  return decide({ record: record(parts), now: NOW, newId: sequentialIds(), targets: DEFAULT_TARGETS });
}

describe('once-daily tacrolimus named by brand (§2 names, §5 overdue: ~24 h trough)', () => {
  it.each([['tacrolimus (Envarsus) 1 mg tablet'], ['Advagraf 1 mg capsule'], ['Astagraf 5 mg']])(
    'asks for a trough about 24 h after the dose for "%s" coded only by the tacrolimus ingredient',
    (text) => {
      const decision = decideWith({
        medicationRequests: [order({ rxnorm: '42316', text, start: '2025-01-10', timingCode: 'QD' })],
      });
      expect(decision.findings.map((f) => f.code)).toEqual(['tacrolimus-trough-overdue']);
      expect(decision.findings[0]?.facts?.onceDailyExtendedRelease).toBe(true);
      expect(decision.cards[0]?.detail).toContain('about 24 h');
    },
  );

  it('keeps the 12 h trough for immediate-release Prograf', () => {
    const decision = decideWith({
      medicationRequests: [order({ rxnorm: '42316', text: 'Prograf 1 mg', start: '2025-01-10' })],
    });
    expect(decision.findings[0]?.facts?.onceDailyExtendedRelease).toBe(false);
  });
});

describe("St John's wort written with a typographic apostrophe (§2 CYP3A4 inducers)", () => {
  it('warns of the CYP3A4 interaction for "St John’s Wort 300 mg" with tacrolimus', () => {
    const decision = decideWith({
      medicationRequests: [tacrolimus(), order({ text: 'St John’s Wort 300 mg', timingCode: 'QD' })],
      observations: [tacrolimusLevel(5)],
    });
    expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['tacrolimus-cyp3a4-interaction']);
  });
});

describe('non-systemic route sent only as a SNOMED CT code (§2: ophthalmic, topical, cutaneous, inhaled)', () => {
  function tacrolimusByRoute(code: string): fhir4.MedicationRequest {
    const base = tacrolimus({ start: '2025-01-10' });
    const [dosage] = base.dosageInstruction ?? [];
    return {
      ...base,
      dosageInstruction: [{ ...dosage, route: { coding: [{ system: 'http://snomed.info/sct', code }] } }],
    };
  }

  it.each([
    ['topical', '6064005'],
    ['cutaneous', '448598008'],
    ['ophthalmic', '54485002'],
    ['respiratory tract', '447694001'],
    ['inhalation', '18679011000001101'],
  ])('ignores tacrolimus by the %s route (%s): no overdue-trough card', (_name, code) => {
    const decision = decideWith({ medicationRequests: [tacrolimusByRoute(code)] });
    expect(decision.cards).toEqual([]);
  });

  it('still reads tacrolimus by the oral route (26643006): trough overdue', () => {
    const decision = decideWith({ medicationRequests: [tacrolimusByRoute('26643006')] });
    expect(decision.cards.map((c) => c.source.topic?.code)).toEqual(['tacrolimus-trough-overdue']);
  });
});
