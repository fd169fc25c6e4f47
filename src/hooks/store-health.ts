import { CdsError } from '../errors';
import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics';
import type { Store, StoreDescription } from '../store/store';

/** A ping still unanswered after this long counts as down: a hung database is not "up". */
const PING_TIMEOUT_MS = 2_000;

/**
 * A check younger than this is reused. /readyz and /metrics need no JWT and may be polled by
 * every load-balancer node: at most one ping a second reaches the database whatever the polling.
 */
const FRESH_MS = 1_000;

/** How long /readyz and /metrics wait for a check before answering with the state last seen. */
export const PROBE_WAIT_MS = 250;

/** `Retry-After` of a 503 for want of the store: a database restart or fail-over takes tens of seconds. */
export const STORE_RETRY_AFTER_SECONDS = 30;

export type StoreState = 'up' | 'down' | 'unknown';

/**
 * The store's reachability, kept apart from readiness: hooks never wait on the store (issued
 * cards are written off the request path, the replay cache falls back to memory), so a database
 * outage must not take a replica out of the load balancer. Feedback and administration calls
 * need it and answer 503 while it is down.
 */
export interface StoreHealth {
  readonly kind: StoreDescription['kind'];
  /** The state last seen, without waiting: `unknown` until the first check ends. */
  current(): StoreState;
  /** Pings the store unless a check younger than `maxAgeMs` exists; one ping in flight at a time. */
  check(maxAgeMs?: number): Promise<StoreState>;
  /** Waits at most `ms` for a check, then answers with the state last seen. */
  checkWithin(ms: number): Promise<StoreState>;
  /** The store just did real work for a request: it is up. */
  observeUp(): void;
}

export interface StoreHealthDeps {
  readonly store: Pick<Store, 'ping' | 'description'>;
  readonly logger: Logger;
  readonly metrics?: Metrics;
  /** Monotonic milliseconds. */
  readonly now: () => number;
}

/** The state last seen, `ms` from now (cancel when no longer needed). */
function later(ms: number, value: () => StoreState): { promise: Promise<StoreState>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<StoreState>((resolve) => {
    timer = setTimeout(() => resolve(value()), ms);
    timer.unref();
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

export function createStoreHealth(deps: StoreHealthDeps): StoreHealth {
  const kind = deps.store.description.kind;
  let state: StoreState = 'unknown';
  let checkedAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<StoreState> | undefined;

  const settle = (next: 'up' | 'down', error?: unknown): void => {
    checkedAt = deps.now();
    deps.metrics?.storeUp(kind, next === 'up');
    if (next === state) return;
    const previous = state;
    state = next;
    if (next === 'down') {
      deps.logger.warn('store unreachable: feedback and administration calls answer 503; hooks are still answered', {
        store: kind,
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : undefined,
      });
    } else if (previous === 'down') {
      deps.logger.info('store reachable again', { store: kind });
    }
  };

  // At most one ping outstanding in the database: a hung one is waited on again, not joined by more.
  let outstanding: Promise<void> | undefined;
  const ping = async (): Promise<StoreState> => {
    outstanding ??= deps.store.ping().finally(() => {
      outstanding = undefined;
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS);
      timer.unref();
    });
    try {
      await Promise.race([outstanding, timeout]);
      settle('up');
    } catch (error) {
      settle('down', error);
    } finally {
      clearTimeout(timer);
    }
    return state;
  };

  const check = (maxAgeMs = FRESH_MS): Promise<StoreState> => {
    if (inFlight !== undefined) return inFlight;
    if (state !== 'unknown' && deps.now() - checkedAt < maxAgeMs) return Promise.resolve(state);
    inFlight = ping().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  return {
    kind,
    current: () => state,
    check,
    async checkWithin(ms) {
      const waited = later(ms, () => state);
      try {
        return await Promise.race([check(), waited.promise]);
      } finally {
        waited.cancel();
      }
    },
    observeUp: () => settle('up'),
  };
}

/**
 * Store work for a request. A failure while the store does not answer a ping is the store's
 * outage, not a fault of the request or of ours: 503 with `Retry-After` (service-contract.md
 * "HTTP status"), and the client's retry is stored once (feedback is idempotent). A failure while
 * the store answers is unexpected: it goes on to the generic 500.
 */
export async function callStore<T>(
  health: StoreHealth,
  work: () => Promise<T>,
  /** What the client is told to do, in the OperationOutcome. */
  unavailable: string,
): Promise<T> {
  let result: T;
  try {
    result = await work();
  } catch (error) {
    if ((await health.check(0)) === 'down') {
      throw new CdsError('store-unavailable', unavailable, { cause: error });
    }
    throw error;
  }
  health.observeUp();
  return result;
}
