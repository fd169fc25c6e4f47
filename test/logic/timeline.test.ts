import { buildOrders } from '../../src/logic/record/medication-orders';
import { buildTimeline } from '../../src/logic/record/timeline';
import { DEFAULT_TARGETS } from '../../src/logic/targets';
import { NOW, mmf, order, tacrolimus } from './record-builders';

function timelineOf(history: fhir4.MedicationRequest[], drafts: fhir4.MedicationRequest[] = [], now = NOW) {
  const notes: string[] = [];
  const built = buildOrders({
    medicationRequests: history,
    draftOrders: drafts,
    medications: [],
    now,
    note: (n) => notes.push(n),
  });
  return { ...built, notes, timeline: buildTimeline(built.orders, now, DEFAULT_TARGETS, drafts.length > 0, (n) => notes.push(n)) };
}

describe('therapy start and phase (§4)', () => {
  it('starts therapy at the earliest LN immunosuppressant, from boundsPeriod.start before authoredOn', () => {
    const tac = { ...tacrolimus({ start: '2025-03-01' }), authoredOn: '2025-02-20' };
    const { timeline } = timelineOf([tac, mmf({ start: '2025-05-01' })]);
    expect(timeline.therapyStart?.toISOString()).toBe('2025-03-01T00:00:00.000Z');
    expect(timeline.phase).toBe('maintenance');
  });

  it('falls back to authoredOn, and a draft without either starts now', () => {
    const authored: fhir4.MedicationRequest = {
      ...tacrolimus(),
      dosageInstruction: [],
      authoredOn: '2026-04-01',
    };
    expect(timelineOf([authored]).timeline.therapyStart?.toISOString()).toBe('2026-04-01T00:00:00.000Z');
    const bare: fhir4.MedicationRequest = {
      ...mmf({ status: 'draft' }),
      authoredOn: undefined,
      dosageInstruction: [],
    };
    const { timeline } = timelineOf([], [bare]);
    expect(timeline.therapyStart?.toISOString()).toBe(NOW.toISOString());
    expect(timeline.phase).toBe('induction');
  });

  it('does not count glucocorticoids or a CYP3A4 drug as LN immunosuppression', () => {
    const prednisone = order({ rxnorm: '8640', start: '2020-01-01' });
    const { timeline } = timelineOf([prednisone]);
    expect(timeline.therapyStart).toBeUndefined();
    expect(timeline.phase).toBeUndefined();
    expect(timeline.plannedEnd).toEqual({ kind: 'no-therapy' });
  });

  it('ignores entered-in-error and cancelled orders but counts a cancelled draft', () => {
    const eie = tacrolimus({ start: '2020-01-01', status: 'entered-in-error' });
    const cancelled = tacrolimus({ start: '2021-01-01', status: 'cancelled' });
    expect(
      timelineOf([eie, cancelled, mmf({ start: '2025-01-01' })]).timeline.therapyStart?.toISOString(),
    ).toBe('2025-01-01T00:00:00.000Z');
    const cancelledDraft = tacrolimus({ start: '2024-01-01', status: 'cancelled' });
    expect(
      timelineOf([mmf({ start: '2025-01-01' })], [cancelledDraft]).timeline.therapyStart?.toISOString(),
    ).toBe('2024-01-01T00:00:00.000Z');
  });

  it('switches to maintenance exactly at start + 6 calendar months (31 Aug → 28 Feb)', () => {
    const started = [mmf({ start: '2025-08-31T09:00:00Z' })];
    expect(timelineOf(started, [], new Date('2026-02-28T08:59:59Z')).timeline.phase).toBe('induction');
    expect(timelineOf(started, [], new Date('2026-02-28T09:00:00Z')).timeline.phase).toBe('maintenance');
  });

  it('keeps the first start of a drug group across renewals', () => {
    const first = tacrolimus({ start: '2024-02-01', status: 'completed', end: '2025-02-01' });
    const renewal = tacrolimus({ start: '2025-02-01' });
    expect(timelineOf([renewal, first]).timeline.firstStartByGroup.get('tacrolimus')?.toISOString()).toBe(
      '2024-02-01T00:00:00.000Z',
    );
  });
});

describe('order end and activity (§4)', () => {
  it('ends an order at boundsPeriod.end, never at dispenseRequest.validityPeriod', () => {
    const validity = {
      ...tacrolimus(),
      dispenseRequest: { validityPeriod: { start: '2025-01-10', end: '2025-07-10' } },
    };
    const { currentOrders } = timelineOf([validity]);
    expect(currentOrders).toHaveLength(1);
    const ended = tacrolimus({ end: '2026-05-31' });
    expect(timelineOf([ended]).currentOrders).toHaveLength(0);
  });

  it('ends an order at start + boundsDuration in calendar months', () => {
    const course: fhir4.MedicationRequest = {
      ...mmf({ start: '2023-08-31' }),
      dosageInstruction: [
        {
          timing: {
            repeat: { boundsDuration: { value: 6, code: 'mo', system: 'http://unitsofmeasure.org' } },
          },
        },
      ],
    };
    const { orders } = timelineOf([course]);
    expect(orders[0]?.end?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('keeps an on-hold order active and treats a stopped order without an end as ended now', () => {
    const { orders } = timelineOf([tacrolimus({ status: 'on-hold' }), mmf({ status: 'stopped' })]);
    expect(orders.map((o) => [o.group, o.isActive, o.end?.toISOString()])).toEqual([
      ['tacrolimus', true, undefined],
      ['mycophenolate', false, NOW.toISOString()],
    ]);
  });

  it('ignores history orders with status unknown, with a note', () => {
    const { orders, notes } = timelineOf([tacrolimus({ status: 'unknown' })]);
    expect(orders).toEqual([]);
    expect(notes).toEqual(['tacrolimus order with status unknown ignored']);
  });
});

describe('drafts (§2, §4)', () => {
  it('lets a draft supersede the active orders of its group', () => {
    const old = mmf({ id: 'old' });
    const draft = mmf({ id: 'draft', status: 'draft', start: '2026-06-01' });
    const { currentOrders } = timelineOf([old, tacrolimus({ id: 'tac' })], [draft]);
    expect(currentOrders.map((o) => o.request.id).sort()).toEqual(['draft', 'tac']);
  });

  it('ends the group now with a stopped, cancelled or completed draft', () => {
    for (const status of ['stopped', 'cancelled', 'completed'] as const) {
      const { currentOrders, orders } = timelineOf([mmf({ id: 'old' })], [mmf({ id: 'stop', status })]);
      expect(currentOrders).toEqual([]);
      expect(orders.find((o) => o.isDraft)?.discontinuesGroup).toBe(true);
    }
  });

  it('replaces a saved copy of the draft with the draft itself', () => {
    const saved = mmf({ id: 'same', status: 'active', start: '2026-06-01', doseMg: 250 });
    const draft = mmf({ id: 'same', status: 'draft', start: '2026-06-01' });
    expect(timelineOf([saved], [draft]).orders).toHaveLength(1);
  });

  it('plans the end of immunosuppression after the drafts', () => {
    const tac = tacrolimus({ id: 'tac' });
    const endingDraft = tacrolimus({ id: 'd', status: 'draft', start: '2026-06-01', end: '2026-12-01' });
    const { timeline } = timelineOf([tac, mmf({ status: 'stopped' })], [endingDraft]);
    expect(timeline.plannedEnd).toEqual({ kind: 'at', at: new Date('2026-12-01T00:00:00Z') });
    expect(timeline.draftChangesLnPlan).toBe(true);
  });

  it('never ends while an active order has no end', () => {
    const { timeline } = timelineOf([tacrolimus(), mmf({ end: '2026-07-01' })]);
    expect(timeline.plannedEnd).toEqual({ kind: 'never' });
  });

  it('does not see a plan change in an unrelated draft', () => {
    const amlodipine = order({ text: 'amlodipine 5 mg', status: 'draft', end: '2026-07-01' });
    expect(timelineOf([tacrolimus()], [amlodipine]).timeline.draftChangesLnPlan).toBe(false);
  });
});
