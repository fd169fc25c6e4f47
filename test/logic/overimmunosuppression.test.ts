import { decide } from '../../src/logic/decide';
import type { PatientRecord } from '../../src/logic/record/patient-record';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, mmf, order, record, sequentialIds, tacrolimus, tacrolimusLevel } from './record-builders';

function decideWith(parts: Partial<PatientRecord>) {
  return decide({
    record: record({ observations: [tacrolimusLevel(5)], ...parts }),
    now: NOW,
    newId: sequentialIds(),
    targets: DEFAULT_TARGETS,
  });
}
const overlap = (parts: Partial<PatientRecord>) =>
  decideWith(parts).findings.filter((f) => f.code === 'overimmunosuppression');

const cyclophosphamide = (o = {}) =>
  order({ rxnorm: '3002', text: 'cyclophosphamide', start: '2026-06-01', ...o });
const azathioprine = (o = {}) => order({ rxnorm: '1256', start: '2025-01-10', ...o });
const cyclosporine = (o = {}) => order({ rxnorm: '3008', start: '2025-01-10', ...o });

describe('overimmunosuppression (§5)', () => {
  it('warns when cyclophosphamide is drafted on top of tacrolimus and MMF', () => {
    const findings = overlap({
      hook: 'order-sign',
      medicationRequests: [tacrolimus(), mmf()],
      draftOrders: [cyclophosphamide({ id: 'cyc', status: 'draft' })],
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.facts?.groups).toEqual(['tacrolimus', 'mycophenolate', 'cyclophosphamide']);
    expect(findings[0]?.draftOrderId).toBe('cyc');
  });

  it('accepts the multitarget regimen: tacrolimus with MMF only', () => {
    expect(overlap({ medicationRequests: [tacrolimus(), mmf()] })).toEqual([]);
  });

  it('counts distinct groups, not orders: two MMF orders and tacrolimus are not three groups', () => {
    expect(
      overlap({
        medicationRequests: [tacrolimus(), mmf(), order({ text: 'CellCept 500 mg', start: '2025-01-10' })],
      }),
    ).toEqual([]);
  });

  it('counts MMF and MPA as one group', () => {
    const mpa = order({ rxnorm: '485023', start: '2025-01-10' });
    expect(overlap({ medicationRequests: [tacrolimus(), mmf(), mpa] })).toEqual([]);
  });

  it('does not count prednisone or hydroxychloroquine', () => {
    const prednisone = order({ rxnorm: '8640', start: '2025-01-10' });
    const hcq = order({ text: 'hydroxychloroquine 200 mg', start: '2025-01-10' });
    expect(overlap({ medicationRequests: [tacrolimus(), mmf(), prednisone, hcq] })).toEqual([]);
  });

  it('warns about two calcineurin inhibitors', () => {
    const findings = overlap({ medicationRequests: [tacrolimus(), cyclosporine()] });
    expect(findings[0]?.facts?.reasons).toEqual(['two calcineurin inhibitors']);
  });

  it('warns about voclosporin drafted while tacrolimus is active', () => {
    const voclosporin = order({ text: 'Lupkynis 7.9 mg', status: 'draft', start: '2026-06-01' });
    expect(
      overlap({ hook: 'order-select', medicationRequests: [tacrolimus()], draftOrders: [voclosporin] }),
    ).toHaveLength(1);
  });

  it('warns about mycophenolate with azathioprine (two antimetabolites)', () => {
    const findings = overlap({ medicationRequests: [mmf(), azathioprine()] });
    expect(findings[0]?.facts?.reasons).toEqual(['two antimetabolites (mycophenolate and azathioprine)']);
  });

  it('is silent when the draft replaces azathioprine after a stop draft', () => {
    const stopAza = azathioprine({ id: 'stop', status: 'stopped' });
    const newMmf = mmf({ id: 'new', status: 'draft', start: '2026-06-01' });
    expect(
      overlap({ hook: 'order-sign', medicationRequests: [azathioprine()], draftOrders: [stopAza, newMmf] }),
    ).toEqual([]);
  });

  it('is silent when the old drug has ended', () => {
    expect(overlap({ medicationRequests: [mmf(), azathioprine({ end: '2026-01-01' })] })).toEqual([]);
  });
});
