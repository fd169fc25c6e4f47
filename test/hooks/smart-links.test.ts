import request from 'supertest';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * service-contract.md "SMART app links": every card a hook returns links the immunosuppression
 * timeline at `{CDS_PUBLIC_URL}/app/`, focused on the card's rule and the resources that
 * triggered it — in the URL (the Sandbox drops appContext on an open launch) and in appContext.
 */
const NOW = '2026-06-01T09:00:00Z';
const PUBLIC_URL = 'https://cds.north.example.org';

const bundle = (resources: object[]) => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
});
const subject = { reference: 'Patient/p42' };
const order = (id: string, rxnorm: string, text: string, mg: number) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject,
  authoredOn: '2024-03-15',
  medicationCodeableConcept: {
    coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: rxnorm }],
    text,
  },
  dosageInstruction: [
    {
      timing: { code: { coding: [{ code: 'BID' }] } },
      doseAndRate: [
        { doseQuantity: { value: mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
      ],
    },
  ],
});

/** LN in maintenance on tacrolimus and MMF 4 g a day, trough 3.1 ng/mL: trough-low and dose-high (and the HCQ reminder). */
const patientView = {
  hook: 'patient-view',
  hookInstance: '5d0f1a9e-7c41-4f0b-9a57-2f3c8e6b1d20',
  context: { userId: 'Practitioner/prac-1', patientId: 'p42' },
  prefetch: {
    patient: { resourceType: 'Patient', id: 'p42' },
    conditions: bundle([
      {
        resourceType: 'Condition',
        id: 'ln',
        subject,
        code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
      },
    ]),
    medications: bundle([
      order('tac', '42316', 'tacrolimus', 2),
      order('mmf', '68149', 'mycophenolate mofetil', 2000),
    ]),
    tacrolimus: bundle([
      {
        resourceType: 'Observation',
        id: 't3',
        status: 'final',
        subject,
        code: { coding: [{ system: 'http://loinc.org', code: '77348-1' }] },
        effectiveDateTime: '2026-05-20T08:00:00Z',
        valueQuantity: { value: 3.1, unit: 'ng/mL', system: 'http://unitsofmeasure.org', code: 'ng/mL' },
      },
    ]),
    mpaTrough: bundle([]),
    mpaAuc: bundle([]),
    egfr: bundle([]),
    weight: bundle([]),
    allergies: bundle([]),
    pregnancy: bundle([]),
    creatinine: bundle([]),
    egfrHistory: bundle([]),
  },
};

interface Card {
  uuid: string;
  source: { topic?: { code: string } };
  links?: { label: string; url: string; type: string; appContext?: string }[];
}

describe('the timeline link on every card', () => {
  test('every card of a patient-view answer links the app with its rule, the patient and what triggered it', async () => {
    const { app } = buildTestApp({ now: NOW, env: { CDS_PUBLIC_URL: PUBLIC_URL } });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView);
    expect(response.status).toBe(200);
    expectCdsResponse(response.body);
    const cards = response.body.cards as Card[];
    expect(cards.map((card) => card.source.topic?.code)).toEqual(
      expect.arrayContaining(['tacrolimus-trough-low', 'mycophenolate-dose-high']),
    );
    for (const card of cards) {
      const smart = card.links?.filter((link) => link.type === 'smart') ?? [];
      expect(smart).toHaveLength(1);
      const code = card.source.topic?.code ?? '';
      const context = JSON.parse(smart[0]?.appContext ?? '{}') as {
        ruleCode: string;
        patientId: string;
        focus: string[];
      };
      expect(context.ruleCode).toBe(code);
      expect(context.patientId).toBe('p42');
      const url = new URL(smart[0]?.url ?? '');
      expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/app/`);
      expect(url.searchParams.get('rule')).toBe(code);
      expect(url.searchParams.get('focus')?.split(',') ?? []).toEqual(context.focus);
      expect(url.searchParams.get('patientId')).toBe('p42');
    }
    const troughCard = cards.find((card) => card.source.topic?.code === 'tacrolimus-trough-low');
    expect(troughCard?.links?.at(-1)).toEqual({
      label: 'Open the immunosuppression timeline',
      url: `${PUBLIC_URL}/app/?rule=tacrolimus-trough-low&focus=Observation/t3,MedicationRequest/tac&patientId=p42`,
      type: 'smart',
      appContext: JSON.stringify({
        ruleCode: 'tacrolimus-trough-low',
        patientId: 'p42',
        focus: ['Observation/t3', 'MedicationRequest/tac'],
      }),
    });
  });

  test('CDS_SMART_LINKS=off removes the link and leaves the cards otherwise the same', async () => {
    const withLinks = buildTestApp({ now: NOW, env: { CDS_PUBLIC_URL: PUBLIC_URL }, newId: counter() }).app;
    const without = buildTestApp({
      now: NOW,
      env: { CDS_PUBLIC_URL: PUBLIC_URL, CDS_SMART_LINKS: 'off' },
      newId: counter(),
    }).app;
    const linked = (await request(withLinks).post('/cds-services/ln-patient-view').send(patientView)).body
      .cards as Card[];
    const plain = (await request(without).post('/cds-services/ln-patient-view').send(patientView)).body
      .cards as Card[];
    expect(plain.length).toBeGreaterThan(0);
    for (const card of plain) expect(card.links?.some((link) => link.type === 'smart') ?? false).toBe(false);
    const unlinked = linked.map((card) => {
      const links = card.links?.filter((link) => link.type !== 'smart') ?? [];
      const { links: _all, ...rest } = card;
      return links.length === 0 ? rest : { ...rest, links };
    });
    expect(unlinked).toEqual(plain);
  });
});

function counter(): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  };
}
