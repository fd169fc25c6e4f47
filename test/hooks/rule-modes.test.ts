import type { RequestHandler } from 'express';
import request from 'supertest';
import { parseRuleSettings, type RuleSettings } from '../../src/config/rules-file';
import type { IssuedCardsEvent } from '../../src/hooks/hook-handler';
import { expectCdsResponse } from '../support/cds-response-schema';
import { buildTestApp } from '../support/test-app';

/**
 * A CDS committee switches rules between active, shadow and off (CDS_RULES_FILE). A shadow rule is
 * evaluated and recorded — the report and the audit trail see it — but its card never reaches the
 * clinician; an off rule is not evaluated at all.
 */
const NOW = '2026-06-01T09:00:00Z';
const bundle = (resources: unknown[]) => ({ resourceType: 'Bundle', type: 'searchset', entry: resources.map((resource) => ({ resource })) });
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const lnClassIv = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p1' },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }] },
};
const order = (id: string, rxnorm: string, tablets: number, frequency: string) => ({
  resourceType: 'MedicationRequest',
  id,
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p1' },
  authoredOn: '2024-01-10',
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnorm }] },
  dosageInstruction: [{ timing: { code: { text: frequency } }, doseAndRate: [{ doseQuantity: { value: tablets, unit: 'TAB' } }] }],
});
/** MMF 500 mg × 3 twice daily (3000 mg/day, above maintenance) with azathioprine 50 mg × 2 daily: two cards. */
const patientView = {
  hook: 'patient-view',
  hookInstance: '7a1c2e3f-4b5d-4e6f-8a9b-0c1d2e3f4a5b',
  context: { userId: 'Practitioner/prac-1', patientId: 'p1' },
  prefetch: {
    patient: null,
    conditions: bundle([lnClassIv]),
    medications: bundle([order('mmf-1', '200060', 3, 'BID'), order('aza-1', '197388', 2, 'QD')]),
    tacrolimus: null,
    mpaTrough: null,
    mpaAuc: null,
    egfr: null,
    weight: null,
  },
};

function appWith(settings: () => RuleSettings, authenticate?: RequestHandler) {
  const events: IssuedCardsEvent[] = [];
  const { app } = buildTestApp({
    now: NOW,
    ruleSettings: settings,
    onCardsIssued: (event) => {
      events.push(event);
    },
    ...(authenticate ? { authenticate } : {}),
  });
  return { app, events };
}

async function shownCodes(app: ReturnType<typeof appWith>['app']): Promise<string[]> {
  const response = await request(app).post('/cds-services/ln-patient-view').send(patientView);
  expect(response.status).toBe(200);
  expectCdsResponse(response.body);
  return (response.body.cards as { source: { topic: { code: string } } }[]).map((card) => card.source.topic.code).sort();
}

const settingsOf = (file: unknown): RuleSettings => parseRuleSettings(file, { knownTenants: new Set(['north-hospital']) });
const ALL_ACTIVE = settingsOf({});

test('with every rule active, both cards are shown and recorded as shown', async () => {
  const { app, events } = appWith(() => ALL_ACTIVE);
  expect(await shownCodes(app)).toEqual(['mycophenolate-dose-high', 'overimmunosuppression']);
  expect(events[0]?.cards.map((card) => [card.ruleCode, card.mode]).sort()).toEqual([
    ['mycophenolate-dose-high', 'active'],
    ['overimmunosuppression', 'active'],
  ]);
});

test('a rule in shadow is not shown, but is recorded with the resources that triggered it and counted by mode', async () => {
  const { app, events } = appWith(() => settingsOf({ rules: { 'mycophenolate-dose-high': 'shadow' } }));
  expect(await shownCodes(app)).toEqual(['overimmunosuppression']);
  const shadow = events[0]?.cards.find((card) => card.ruleCode === 'mycophenolate-dose-high');
  expect(shadow).toMatchObject({ mode: 'shadow', indicator: 'warning' });
  expect(shadow?.resources).toContain('MedicationRequest/mmf-1');
  expect(events[0]?.audit).toMatchObject({
    hook: 'patient-view',
    userId: 'Practitioner/prac-1',
    patientId: 'p1',
    rulesetVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/) as unknown,
  });
  const metrics = await request(app).get('/metrics');
  expect(metrics.text).toContain('cds_cards_issued_total{rule="mycophenolate-dose-high",mode="shadow"} 1');
  expect(metrics.text).toContain('cds_cards_issued_total{rule="overimmunosuppression",mode="active"} 1');
});

test('a rule switched off is not evaluated: neither shown nor recorded', async () => {
  const { app, events } = appWith(() => settingsOf({ rules: { 'overimmunosuppression': 'off' } }));
  expect(await shownCodes(app)).toEqual(['mycophenolate-dose-high']);
  expect(events[0]?.cards.map((card) => card.ruleCode)).toEqual(['mycophenolate-dose-high']);
});

test("a tenant's setting applies to its clients' calls only", async () => {
  const settings = settingsOf({ tenants: { 'north-hospital': { 'overimmunosuppression': 'off' } } });
  const asClient =
    (tenant?: string): RequestHandler =>
    (_req, res, next) => {
      res.locals.cdsClient = { iss: 'https://ehr.example.org', fhirServers: [], ...(tenant ? { tenant } : {}) };
      next();
    };
  const north = appWith(() => settings, asClient('north-hospital'));
  expect(await shownCodes(north.app)).toEqual(['mycophenolate-dose-high']);
  expect(north.events[0]?.audit.tenant).toBe('north-hospital');
  const other = appWith(() => settings, asClient());
  expect(await shownCodes(other.app)).toEqual(['mycophenolate-dose-high', 'overimmunosuppression']);
});

test('settings swapped while running (SIGHUP) apply from the next hook, with a new rule-set version', async () => {
  let current = ALL_ACTIVE;
  const { app, events } = appWith(() => current);
  expect(await shownCodes(app)).toEqual(['mycophenolate-dose-high', 'overimmunosuppression']);
  current = settingsOf({ rules: { 'mycophenolate-dose-high': 'shadow' } });
  expect(await shownCodes(app)).toEqual(['overimmunosuppression']);
  expect(events[1]?.audit.rulesetVersion).not.toBe(events[0]?.audit.rulesetVersion);
});
