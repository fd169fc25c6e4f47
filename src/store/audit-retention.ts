import type { Logger } from '../logging/logger';
import type { Store } from './store';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface AuditRetention {
  /** Deletes what is past retention now; resolves to how many rows (failures are logged, 0). */
  runOnce(): Promise<number>;
  /** Stops the daily timer and waits for a run in progress. */
  close(): Promise<void>;
}

export interface AuditRetentionOptions {
  readonly store: Pick<Store, 'deleteIssuedCardsBefore'>;
  readonly logger: Logger;
  /** CDS_AUDIT_RETENTION_DAYS. */
  readonly retentionDays: number;
  readonly now: () => Date;
  /** Between runs; default one day. */
  readonly intervalMs?: number;
}

/**
 * CDS_AUDIT_RETENTION_DAYS (docs/governance.md "Retention"): issued-card rows — the audit
 * trail and the attribution of feedback to rules — older than the retention are deleted once at
 * start-up and then daily, off the request path. Feedback about a deleted card stays, and then
 * counts as unattributed in the report. Every replica may run it: a delete is idempotent.
 */
export function startAuditRetention(options: AuditRetentionOptions): AuditRetention {
  let running: Promise<number> | undefined;

  async function purge(): Promise<number> {
    const cutoff = new Date(options.now().getTime() - options.retentionDays * DAY_MS);
    try {
      const deleted = await options.store.deleteIssuedCardsBefore(cutoff);
      options.logger.info('audit retention: issued-card records deleted', {
        deleted,
        issuedBefore: cutoff.toISOString(),
        retentionDays: options.retentionDays,
      });
      return deleted;
    } catch (error) {
      options.logger.warn('audit retention: deleting old issued-card records failed; tried again at the next run', {
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : undefined,
      });
      return 0;
    }
  }

  function runOnce(): Promise<number> {
    running ??= purge().finally(() => {
      running = undefined;
    });
    return running;
  }

  const timer = setInterval(() => void runOnce(), options.intervalMs ?? DAY_MS);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
