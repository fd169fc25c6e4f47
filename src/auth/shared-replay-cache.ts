import type { Logger } from '../logging/logger';
import type { Metrics } from '../metrics';
import { createMemoryReplayCache, type ReplayCache } from './replay-cache';

/** The part of the store (src/store) that remembers `jti`s. */
export interface JtiTable {
  readonly description: { readonly kind: string };
  /** Resolves `true` when `key` was new, `false` when it is remembered and not yet expired. */
  checkAndRememberJti(key: string, expiresAt: Date): Promise<boolean>;
}

export interface StoreReplayCacheOptions {
  readonly store: JtiTable;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

/**
 * The JWT replay cache for this deployment. With PostgreSQL every replica shares the jti table,
 * so a token replayed to another replica behind the load balancer is still refused. With embedded
 * PGlite there is one process, and an in-memory cache does the same job without a write per call.
 *
 * If the shared table cannot be reached the jti is checked against this replica's memory instead
 * (logged and counted): replays to the same replica are still refused, and hooks keep answering.
 */
export function createReplayCacheFor(options: StoreReplayCacheOptions): ReplayCache {
  const local = createMemoryReplayCache({ now: options.now });
  if (options.store.description.kind !== 'postgresql') return local;
  return {
    async checkAndRemember(key: string, expiresAt: Date): Promise<boolean> {
      // Remembered locally too, so a token first seen during an outage stays refused here.
      const fresh = await local.checkAndRemember(key, expiresAt);
      if (!fresh) return false;
      try {
        return await options.store.checkAndRememberJti(key, expiresAt);
      } catch (error) {
        options.metrics?.storeWriteFailed('jti');
        options.logger.error('shared JWT replay cache unavailable; checked this replica only', {
          errorName: error instanceof Error ? error.name : typeof error,
        });
        return true;
      }
    },
  };
}
