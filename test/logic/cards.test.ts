import { buildCard, buildCards } from '../../src/logic/cards/cards';
import type { Finding } from '../../src/logic/rules/rule';
import { RULE_CODES } from '../../src/logic/vocabulary/rule-codes';
import { sequentialIds } from './record-builders';

/** Walks a card and lists every null, undefined, empty string or empty array (CDS Hooks: omit instead). */
function emptyFields(value: unknown, path = '$'): string[] {
  if (value === null || value === undefined || value === '') return [path];
  if (Array.isArray(value)) {
    return value.length === 0 ? [path] : value.flatMap((item, i) => emptyFields(item, `${path}[${i}]`));
  }
  if (typeof value === 'object') {
    return Object.entries(value).flatMap(([key, child]) => emptyFields(child, `${path}.${key}`));
  }
  return [];
}

const doseHigh: Finding = {
  code: 'mycophenolate-dose-high',
  indicator: 'warning',
  measured: { label: 'Mycophenolate mofetil daily dose', value: 4000, unit: 'mg/day' },
  target: { label: 'MMF maintenance range', min: 1500, max: 2000, unit: 'mg/day', source: 'KDIGO 2024' },
  direction: 'above',
  dose: { mgPerDay: 4000, how: '4 × 500 mg tablets twice daily' },
  evidence: [{ label: 'CellCept 500 mg — draft order', value: '4 tab BID', date: '2026-06-01' }],
  draftOrderId: 'draft-1',
  labelledProducts: ['cellcept'],
  facts: { proposedChange: '2 × 500 mg tablets twice daily (2000 mg/day)' },
  proposedDraft: {
    resourceType: 'MedicationRequest',
    id: 'draft-1',
    status: 'draft',
    intent: 'order',
    subject: { reference: 'Patient/pt' },
    medicationCodeableConcept: { text: 'CellCept 500 mg' },
  },
};

describe('CDS Hooks cards from findings (§6)', () => {
  it('renders a dose finding with an update suggestion that rewrites the draft order', () => {
    const card = buildCard(doseHigh, sequentialIds());
    expect(card).toMatchObject({
      uuid: '00000000-0000-4000-8000-000000000001',
      summary:
        'Mycophenolate mofetil daily dose 4000 mg/day is above the MMF maintenance range of 1500–2000 mg/day',
      indicator: 'warning',
      source: {
        label: 'LN maintenance immunosuppression (ln-cds-hooks)',
        topic: { system: 'urn:ln-cds-hooks:rule', code: 'mycophenolate-dose-high' },
      },
      selectionBehavior: 'at-most-one',
      suggestions: [
        {
          label: 'Change to 2 × 500 mg tablets twice daily (2000 mg/day)',
          uuid: '00000000-0000-4000-8000-000000000002',
          actions: [
            {
              type: 'update',
              resource: doseHigh.proposedDraft,
            },
          ],
        },
      ],
    });
    // §6 "say each thing once": the daily dose and how it was computed on one line.
    expect(card.detail).toContain(
      '**Mycophenolate mofetil daily dose:** 4000 mg/day — 4 × 500 mg tablets twice daily',
    );
    expect(card.detail?.match(/4000 mg\/day/g)).toHaveLength(1);
    expect(card.detail).toContain('**Target:** MMF maintenance range: 1500–2000 mg/day (KDIGO 2024).');
  });

  it('explains in a sentence why a mycophenolate card with tacrolimus fires only outside both ranges (§5)', () => {
    const withTacrolimus = (phase: string): string =>
      buildCard({ ...doseHigh, facts: { ...doseHigh.facts, multitarget: true, phase } }, sequentialIds())
        .detail ?? '';
    expect(withTacrolimus('maintenance')).toContain(
      'With tacrolimus the record cannot tell planned multitarget therapy from tacrolimus added to full-dose mycophenolate (refractory proteinuria, class V), so the service warns only outside both ranges.',
    );
    expect(withTacrolimus('induction')).toContain(
      'With tacrolimus in induction only the induction maximum applies: multitarget induction regimens vary.',
    );
    expect(buildCard(doseHigh, sequentialIds()).detail).not.toMatch(/multitarget|tacrolimus/);
  });

  it('offers the two required override reasons on every card', () => {
    const card = buildCard(doseHigh, sequentialIds());
    expect(card.overrideReasons?.map((r) => [r.system, r.code, r.display])).toEqual(
      expect.arrayContaining([
        [
          'urn:ln-cds-hooks:override-reason',
          'patient-specific-target',
          'patient-specific target set by nephrology',
        ],
        ['urn:ln-cds-hooks:override-reason', 'induction-or-recent-change', 'induction phase / recent change'],
      ]),
    );
  });

  it('links KDIGO 2024 and the label of the product ordered as absolute links', () => {
    const card = buildCard(doseHigh, sequentialIds());
    expect(card.links).toEqual([
      {
        label: 'KDIGO 2024 Clinical Practice Guideline for the Management of Lupus Nephritis',
        url: 'https://doi.org/10.1016/j.kint.2023.09.002',
        type: 'absolute',
      },
      {
        label: 'CellCept (mycophenolate mofetil) prescribing information (DailyMed)',
        url: 'https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=37241e87-4af4-4dc3-a1aa-ea6f20d8dc40',
        type: 'absolute',
      },
    ]);
  });

  it('omits empty optional fields for every rule code, and keeps summaries under 140 characters', () => {
    const minimal: Finding[] = RULE_CODES.map(({ code }) => ({
      code,
      indicator: 'info',
      evidence: [],
      measured: {
        label: 'A deliberately long measurement label that goes on',
        value: 123456.789,
        unit: 'mg/day',
      },
      target: {
        label: 'a deliberately long target label',
        min: 1000,
        max: 2000,
        unit: 'mg/day',
        source: 'test',
      },
      direction: 'below',
      facts: {
        interactingDrugs: ['clarithromycin', 'voriconazole', 'ritonavir', 'rifampin', 'carbamazepine'],
      },
    }));
    for (const card of buildCards(minimal, sequentialIds())) {
      // As the EHR receives it: an absent optional field is an undefined key, which JSON leaves out.
      expect(emptyFields(JSON.parse(JSON.stringify(card)))).toEqual([]);
      expect(card.summary.length).toBeLessThan(140);
      expect(card.suggestions).toBeUndefined();
      expect(card.selectionBehavior).toBeUndefined();
    }
  });

  it('escapes markdown in free text taken from the record', () => {
    const card = buildCard(
      { ...doseHigh, evidence: [{ label: 'Order *urgent*', value: '[click](javascript:x)' }] },
      sequentialIds(),
    );
    expect(card.detail).toContain('- Order \\*urgent\\*: \\[click\\](javascript:x)');
  });
});
