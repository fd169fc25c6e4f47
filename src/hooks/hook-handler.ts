import type { RequestHandler } from 'express';
import { CdsError } from '../errors';
import type { FhirRequesterFactory } from '../fhir/fhir-client';
import { draftOrdersOf } from '../fhir/draft-orders';
import { readSentDrafts } from '../fhir/draft-versions';
import { gatherPatientRecord, type GatherOptions } from '../fhir/gather-record';
import { expressSuggestionsInDraftVersions } from '../fhir/suggestion-versions';
import { decide, type CdsCard } from '../logic/decide';
import type { Targets } from '../logic/targets';
import type { RuleCode, RuleMode } from '../logic/vocabulary/rule-codes';
import type { Logger } from '../logging/logger';
import type { HookRequestParser } from './hook-request';
import { authenticatedClientOf } from './authenticate';
import { requestLogger } from './request-observer';
import { addTimelineLinks } from './smart-links';
import type { ServiceDefinition } from './service-definitions';

/**
 * The settings a hook is answered with (CDS_HOOK_DEADLINE_MS, CDS_FHIR_TIMEOUT_MS,
 * CDS_FHIR_MAX_PAGES, CDS_FHIR_MAX_RESPONSE, CDS_FHIR_MAX_PER_HOOK, CDS_TARGETS_FILE).
 */
export interface HookSettings {
  readonly hookDeadlineMs: number;
  readonly fhirTimeoutMs: number;
  readonly fhirMaxPages: number;
  readonly fhirMaxResponseBytes: number;
  readonly fhirMaxHookBytes: number;
  readonly targets: Targets;
  /** CDS_SMART_LINKS: each card links the timeline app at `{publicUrl}/app/`. */
  readonly smartLinks: boolean;
  readonly publicUrl: string;
}

/**
 * The hook's deadline and the FHIR read limits (CDS_HOOK_DEADLINE_MS, CDS_FHIR_TIMEOUT_MS,
 * CDS_FHIR_MAX_PAGES, CDS_FHIR_MAX_RESPONSE, CDS_FHIR_MAX_PER_HOOK) as gatherPatientRecord takes
 * them: a hook and the timeline app read a record under the same bounds.
 */
export function fhirReadLimits(
  config: HookSettings,
): Pick<GatherOptions, 'deadlineMs' | 'timeoutMs' | 'maxPages' | 'readLimits'> {
  return {
    deadlineMs: config.hookDeadlineMs,
    timeoutMs: config.fhirTimeoutMs,
    maxPages: config.fhirMaxPages,
    readLimits: { maxResponseBytes: config.fhirMaxResponseBytes, maxHookBytes: config.fhirMaxHookBytes },
  };
}

export interface HookHandlerDeps {
  readonly config: HookSettings;
  readonly services: ReadonlyMap<string, ServiceDefinition>;
  readonly parse: HookRequestParser;
  readonly requesterFactory: FhirRequesterFactory;
  /** Whether this request's client may point the service at `fhirServer`. */
  readonly isFhirServerAllowed: (fhirServer: string, locals: Record<string, unknown>) => boolean;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** Monotonic milliseconds, for timings. */
  readonly elapsed: () => number;
  readonly logger: Logger;
  /**
   * Told about every response's cards (issued-card store, metrics). Must not throw or reject; the
   * response waits for a returned promise (CDS_ISSUED_CARDS=durable: the cards' record committed).
   */
  readonly onCardsIssued?: (event: IssuedCardsEvent) => void | Promise<void>;
  /** Each rule's mode for a call from this client (CDS_RULES_FILE, read per call: SIGHUP reloads it). */
  readonly rules?: RuleModes;
}

export interface RuleModes {
  /** The modes for a call whose client registration names `tenant` (or none). */
  modeFor(tenant: string | undefined): (code: RuleCode) => RuleMode;
  /** The rule-set version in force: package version + hash of the targets and rule settings. */
  version(): string;
}

export interface IssuedCardsEvent {
  readonly serviceId: string;
  readonly hookInstance: string;
  readonly issuedAt: Date;
  readonly cards: readonly IssuedCardOfHook[];
  /** The audit trail's view of the call: ids and codes only. */
  readonly audit: {
    readonly hook: string;
    readonly tenant?: string;
    readonly userId?: string;
    readonly patientId: string;
    readonly rulesetVersion: string;
  };
}

export interface IssuedCardOfHook {
  readonly uuid: string;
  readonly ruleCode: string;
  /** `shadow`: recorded, never returned. */
  readonly mode: 'active' | 'shadow';
  readonly indicator: string;
  /** References of the resources that triggered the card. */
  readonly resources: readonly string[];
}

/** POST /cds-services/{id}: validate, gather the record, decide once, answer the cards. */
export function createHookHandler(deps: HookHandlerDeps): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    const service = deps.services.get(id);
    if (service === undefined) throw new CdsError('unknown-service', `No CDS service "${id.slice(0, 64)}"`);
    res.locals.serviceId = service.id;
    const request = deps.parse(req.body, service.hook);
    res.locals.hookInstance = request.hookInstance;

    const gathered = await gatherPatientRecord(request, {
      hook: service.hook,
      templates: service.prefetch,
      requesterFactory: deps.requesterFactory,
      isFhirServerAllowed: (url) => deps.isFhirServerAllowed(url, res.locals),
      ...fhirReadLimits(deps.config),
      now: deps.elapsed,
    });
    if (gathered.queries.length > 0) res.locals.fhirQueries = gathered.queries;

    const now = deps.clock();
    const tenant = authenticatedClientOf(res.locals)?.tenant;
    const decision = decide({
      record: gathered.record,
      now,
      newId: deps.newId,
      targets: deps.config.targets,
      modeOf: deps.rules?.modeFor(tenant),
    });
    const cards = deps.config.smartLinks
      ? addTimelineLinks(decision.cards, {
          appUrl: `${deps.config.publicUrl}/app/`,
          patientId: request.context.patientId,
          triggers: decision.triggers,
        })
      : decision.cards;
    // §6: each suggestion in the FHIR version of the draft it answers (the rules write R4).
    const answer = expressSuggestionsInDraftVersions(
      cards,
      readSentDrafts(draftOrdersOf(service.hook, request.context)),
    );
    const notes = [...gathered.notes, ...decision.notes, ...answer.notes];
    // winston formats a line before its transports drop it by level: ask first, or every hook
    // with a note pays for a debug line nobody reads.
    if (deps.logger.isDebugEnabled() && notes.length > 0) {
      requestLogger(res, deps.logger).debug('silent or adjusted', { notes });
    }
    res.locals.cardCount = answer.cards.length;
    const issued = (card: Pick<CdsCard, 'uuid' | 'source' | 'indicator'>, mode: 'active' | 'shadow'): IssuedCardOfHook => ({
      uuid: card.uuid,
      ruleCode: card.source.topic?.code ?? 'unknown',
      mode,
      indicator: card.indicator,
      resources: decision.triggers.get(card.uuid) ?? [],
    });
    await deps.onCardsIssued?.({
      serviceId: service.id,
      hookInstance: request.hookInstance,
      issuedAt: now,
      cards: [
        ...answer.cards.map((card) => issued(card, 'active')),
        ...decision.shadowCards.map((card) => issued(card, 'shadow')),
      ],
      audit: {
        hook: service.hook,
        tenant,
        userId: request.context.userId,
        patientId: request.context.patientId,
        rulesetVersion: deps.rules?.version() ?? 'unversioned',
      },
    });
    res.json({ cards: answer.cards });
  };
}
