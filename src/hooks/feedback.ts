import type { RequestHandler } from 'express';
import { CdsError } from '../errors';
import type { Logger } from '../logging/logger';
import { UNATTRIBUTED_RULE, type Metrics } from '../metrics';
import type { FeedbackRecord, Store } from '../store/store';
import type { FeedbackItem, FeedbackRequestParser } from './feedback-request';
import { requestLogger } from './request-observer';
import { callStore, type StoreHealth } from './store-health';

export interface FeedbackHandlerDeps {
  /** Known service ids: feedback for any other id is a 404 (service-contract.md). */
  readonly serviceIds: ReadonlySet<string>;
  readonly parse: FeedbackRequestParser;
  readonly store: Pick<Store, 'recordFeedback' | 'findIssuedCard'>;
  /** Tells the store's outage (503 + Retry-After) from a failure of ours (500). */
  readonly storeHealth: StoreHealth;
  readonly metrics?: Metrics;
  readonly logger: Logger;
}

/** What of a Feedback item is stored: never `userComment` text, which may name the patient. */
function toFeedbackRecord(serviceId: string, item: FeedbackItem): FeedbackRecord {
  const reason = item.overrideReason?.reason;
  return {
    serviceId,
    cardUuid: item.card,
    outcome: item.outcome,
    outcomeTimestamp: new Date(item.outcomeTimestamp),
    acceptedSuggestionIds: (item.acceptedSuggestions ?? []).map((suggestion) => suggestion.id),
    ...(reason === undefined
      ? {}
      : {
          overrideReason: {
            system: reason.system,
            code: reason.code,
            ...(reason.display === undefined ? {} : { display: reason.display }),
          },
        }),
    hasUserComment: (item.overrideReason?.userComment ?? '').trim() !== '',
  };
}

/**
 * POST /cds-services/{id}/feedback (CDS Hooks 2.0 §Feedback). Validates, stores (the same item
 * sent again is stored once) and answers 200 with an empty body once stored — the spec defines
 * no response body. Feedback naming a card this service never issued is stored as unattributed
 * and still answered 200: the client did nothing wrong by reporting what its user did, and the
 * feedback report lists such items on a line of their own (docs/deploy.md "Feedback"). While the
 * store is unreachable the answer is 503 with `Retry-After` (service-contract.md): the EHR keeps
 * the feedback and sends it again, and the resent items are stored once.
 */
export function createFeedbackHandler(deps: FeedbackHandlerDeps): RequestHandler {
  return async (req, res) => {
    const id = String(req.params.id);
    if (!deps.serviceIds.has(id))
      throw new CdsError('unknown-service', `No CDS service "${id.slice(0, 64)}"`);
    res.locals.serviceId = id;
    const request = deps.parse(req.body);
    const records = request.feedback.map((item) => toFeedbackRecord(id, item));
    const result = await callStore(
      deps.storeHealth,
      () => deps.store.recordFeedback(records),
      'The feedback store cannot be reached; send the same feedback again later (it is stored once)',
    );

    const log = requestLogger(res, deps.logger);
    let unattributed = 0;
    for (const [index, record] of records.entries()) {
      if (result.storedItems[index] !== true) continue;
      const card = await deps.store.findIssuedCard(record.cardUuid);
      if (card === undefined) unattributed += 1;
      deps.metrics?.feedbackReceived(card?.ruleCode ?? UNATTRIBUTED_RULE, record.outcome);
    }
    log.info('feedback stored', {
      serviceId: id,
      items: records.length,
      stored: result.stored,
      duplicates: result.duplicates,
      unattributed,
    });
    res.status(200).end();
  };
}
