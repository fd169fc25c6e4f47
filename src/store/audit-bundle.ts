import type { IssuedCard } from './store';

/**
 * The audit trail as FHIR R4 AuditEvents (https://hl7.org/fhir/R4/auditevent.html), one per card
 * shown or shadow finding, in a `collection` Bundle a site can load into its audit repository
 * (docs/governance.md "Audit export"). Ids, codes and references only: no names, no values.
 */

/** Entries per answer; past it the Bundle has a `next` link (keyset on issued time, then uuid). */
export const AUDIT_EXPORT_MAX_ENTRIES = 10_000;

/** Who observed and recorded the events: this software, where it answers. */
export interface AuditService {
  /** Package name, e.g. `ln-cds-hooks`. */
  readonly name: string;
  /** Package version. */
  readonly version: string;
  /** CDS_PUBLIC_URL, which also prefixes the Bundle's links. */
  readonly baseUrl: string;
}

export interface AuditPage {
  readonly since: Date;
  readonly until: Date;
  readonly after?: string;
}

/**
 * R4 `audit-event-type` (extensible) has no code for a decision-support answer. `rest` — "execution
 * of a RESTful operation" — is the nearest: each event is the service's answer to one CDS Hooks
 * call, an HTTP POST. The subtype, a local code, says what the answer held.
 */
const EVENT_TYPE: fhir4.Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  code: 'rest',
  display: 'RESTful Operation',
};
export const AUDIT_SUBTYPE_SYSTEM = 'urn:ln-cds-hooks:audit-event';
const SUBTYPE: Readonly<Record<'active' | 'shadow', fhir4.Coding>> = {
  active: { system: AUDIT_SUBTYPE_SYSTEM, code: 'card-issued', display: 'CDS card returned to the CDS client' },
  shadow: { system: AUDIT_SUBTYPE_SYSTEM, code: 'shadow-finding', display: 'Rule finding recorded in shadow mode, not returned' },
};
/** v3 ActReason TREAT: a hook is called in the course of the patient's care. */
const PURPOSE_TREATMENT: fhir4.CodeableConcept = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'TREAT', display: 'treatment' }],
};
/** v3 ParticipationType IRCP: the clinician the card was shown to (not for shadow findings). */
const INFORMATION_RECIPIENT: fhir4.CodeableConcept = {
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }],
};
/** DICOM DCM 110150 "Application": the agent that made the decision. */
const APPLICATION: fhir4.CodeableConcept = {
  coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }],
};
/** R4 security-source-type 4. */
const APPLICATION_SERVER: fhir4.Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  code: '4',
  display: 'Application Server',
};
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const ENTITY_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const PERSON: fhir4.Coding = { system: ENTITY_TYPE, code: '1', display: 'Person' };
const SYSTEM_OBJECT: fhir4.Coding = { system: ENTITY_TYPE, code: '2', display: 'System Object' };
const PATIENT_ROLE: fhir4.Coding = { system: ENTITY_ROLE, code: '1', display: 'Patient' };
const REPORT_ROLE: fhir4.Coding = { system: ENTITY_ROLE, code: '3', display: 'Report' };
const DOMAIN_RESOURCE_ROLE: fhir4.Coding = { system: ENTITY_ROLE, code: '4', display: 'Domain Resource' };
/** The card's CDS Hooks `uuid`, as an identifier: a card is not a FHIR resource. */
export const CARD_IDENTIFIER_SYSTEM = 'urn:ln-cds-hooks:card';

/** FHIR R4 `id`: a card uuid is one, so exporting a period twice gives the same ids. */
const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export function toAuditEvent(card: IssuedCard, service: AuditService): fhir4.AuditEvent {
  const mode = card.mode ?? 'active';
  const audit = card.audit;
  const software = `${service.name} ${service.version}`;
  const agents: fhir4.AuditEventAgent[] = [];
  if (audit?.userId !== undefined) {
    agents.push({
      ...(mode === 'active' ? { type: INFORMATION_RECIPIENT } : {}),
      who: { reference: audit.userId },
      requestor: true,
    });
  }
  agents.push({
    type: APPLICATION,
    who: { identifier: { system: 'urn:ietf:rfc:3986', value: service.baseUrl }, display: software },
    name: audit === undefined ? software : `${software}, rule set ${audit.rulesetVersion}`,
    requestor: false,
  });

  const details: fhir4.AuditEventEntityDetail[] = [
    detail('serviceId', card.serviceId),
    detail('ruleCode', card.ruleCode),
    detail('mode', mode),
    detail('hookInstance', card.hookInstance),
  ];
  if (audit !== undefined) {
    details.push(detail('hook', audit.hook), detail('indicator', audit.indicator), detail('rulesetVersion', audit.rulesetVersion));
    if (audit.tenant !== undefined) details.push(detail('tenant', audit.tenant));
  }
  const entities: fhir4.AuditEventEntity[] = [
    {
      what: { identifier: { system: CARD_IDENTIFIER_SYSTEM, value: card.uuid } },
      type: SYSTEM_OBJECT,
      role: REPORT_ROLE,
      detail: details,
    },
  ];
  if (audit !== undefined) {
    entities.push({ what: { reference: `Patient/${audit.patientId}` }, type: PERSON, role: PATIENT_ROLE });
    for (const reference of audit.resources) {
      entities.push({ what: { reference }, type: SYSTEM_OBJECT, role: DOMAIN_RESOURCE_ROLE });
    }
  }

  return {
    resourceType: 'AuditEvent',
    ...(FHIR_ID.test(card.uuid) ? { id: card.uuid } : {}),
    type: EVENT_TYPE,
    subtype: [SUBTYPE[mode]],
    action: 'E',
    recorded: card.issuedAt.toISOString(),
    outcome: '0',
    purposeOfEvent: [PURPOSE_TREATMENT],
    agent: agents,
    source: {
      ...(audit?.tenant === undefined ? {} : { site: audit.tenant }),
      observer: { identifier: { system: 'urn:ietf:rfc:3986', value: service.baseUrl }, display: software },
      type: [APPLICATION_SERVER],
    },
    entity: entities,
  };
}

function detail(type: string, value: string): fhir4.AuditEventEntityDetail {
  return { type, valueString: value };
}

/** The query string of /admin/audit for a page. */
export function auditQuery(page: AuditPage): string {
  const params = new URLSearchParams({ since: page.since.toISOString(), until: page.until.toISOString() });
  if (page.after !== undefined) params.set('after', page.after);
  return params.toString();
}

/**
 * One answer: `cards` as read with a limit of `maxEntries + 1`, so that one more than fits says a
 * next page exists. The `next` link starts at the last exported card's instant, after its uuid.
 */
export function buildAuditBundle(input: {
  readonly cards: readonly IssuedCard[];
  readonly page: AuditPage;
  readonly service: AuditService;
  readonly generatedAt: Date;
  readonly maxEntries?: number;
}): fhir4.Bundle {
  const maxEntries = input.maxEntries ?? AUDIT_EXPORT_MAX_ENTRIES;
  const shown = input.cards.slice(0, maxEntries);
  const last = shown[shown.length - 1];
  const endpoint = `${input.service.baseUrl}/admin/audit`;
  const link: fhir4.BundleLink[] = [{ relation: 'self', url: `${endpoint}?${auditQuery(input.page)}` }];
  if (input.cards.length > maxEntries && last !== undefined) {
    const next = { since: last.issuedAt, until: input.page.until, after: last.uuid };
    link.push({ relation: 'next', url: `${endpoint}?${auditQuery(next)}` });
  }
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: input.generatedAt.toISOString(),
    link,
    entry: shown.map((card) => ({ resource: toAuditEvent(card, input.service) })),
  };
}
