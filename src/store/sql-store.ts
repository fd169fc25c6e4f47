import { applyMigrations } from './migrate';
import { MIGRATIONS } from './migrations';
import { queryFeedbackReport } from './feedback-report-sql';
import type { SqlClient } from './sql-client';
import type {
  AuditTrailQuery,
  CardAudit,
  FeedbackRecord,
  FeedbackReportQuery,
  IssuedCard,
  RecordFeedbackResult,
  Store,
  StoredJti,
} from './store';

/** Expired jti rows are purged at most this often (they are never consulted once expired). */
const REPLAY_PURGE_INTERVAL_MS = 60_000;

/** Rows per INSERT when recording issued cards: bounds one statement's work and size. */
const ISSUED_CARDS_PER_INSERT = 500;

interface IssuedCardRow {
  uuid: string;
  service_id: string;
  rule_code: string;
  hook_instance: string;
  issued_at: Date;
  mode: string;
}

/**
 * One statement text whatever the batch size: five array parameters unnested into rows. Cheaper
 * to parse and plan than a VALUES list of 5 × n parameters (on the embedded PGlite ~20 µs of CPU
 * per card instead of ~30 at the batch sizes of a busy service), and the same SQL on PostgreSQL.
 */
const INSERT_ISSUED_CARDS_SQL = `
  INSERT INTO issued_cards (uuid, service_id, rule_code, hook_instance, issued_at, mode, hook, tenant,
                            user_id, patient_id, ruleset_version, indicator, resources)
  SELECT u.uuid, u.service_id, u.rule_code, u.hook_instance, u.issued_at, u.mode, u.hook, u.tenant,
         u.user_id, u.patient_id, u.ruleset_version, u.indicator,
         CASE WHEN u.resources IS NULL THEN NULL ELSE string_to_array(u.resources, ' ') END
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
              $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
       AS u(uuid, service_id, rule_code, hook_instance, issued_at, mode, hook, tenant, user_id, patient_id,
            ruleset_version, indicator, resources)
  ON CONFLICT (uuid) DO NOTHING`;

const INSERT_FEEDBACK_SQL = `
  INSERT INTO feedback (service_id, card_uuid, outcome, outcome_at, accepted_suggestions,
                        override_reason_system, override_reason_code, override_reason_display,
                        has_user_comment, received_at)
  VALUES ($1, $2, $3, $4::timestamptz, $5::jsonb, $6, $7, $8, $9, $10::timestamptz)
  ON CONFLICT ON CONSTRAINT feedback_once DO NOTHING
  RETURNING id`;

// A row is (re)claimed only when absent or expired: exactly one of several racing replicas gets
// a row back, so exactly one accepts the token. One statement claims a whole batch (the keys
// unique within it); its rows are inserted in key order, so two replicas claiming overlapping
// batches wait for each other instead of deadlocking (a deadlock would fail both batches).
const CLAIM_JTIS_SQL = `
  INSERT INTO jwt_replay (key, client, expires_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS j(key, client, expires_at) ORDER BY key
  ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at, client = EXCLUDED.client
    WHERE jwt_replay.expires_at <= $4::timestamptz
  RETURNING key`;

// Jtis the embedded store's memory already accepted; a row already there keeps the later expiry.
const REMEMBER_JTIS_SQL = `
  INSERT INTO jwt_replay (key, client, expires_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
  ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at, client = EXCLUDED.client
    WHERE jwt_replay.expires_at < EXCLUDED.expires_at`;

// One text value rather than one row per jti: PGlite hands rows over one by one, ~18 µs each
// (200 000 live jtis took 3.7 s to read as rows, 0.8 s as this one string, window included).
// Digests are hex, so a space and a newline can separate fields and jtis.
const LIVE_JTIS_SQL = `
  SELECT string_agg(client || ' ' || key || ' ' || (extract(epoch FROM expires_at) * 1000)::bigint::text, E'\\n'
                    ORDER BY expires_at, key) AS live
  FROM (
    SELECT client, key, expires_at,
           row_number() OVER (PARTITION BY client ORDER BY expires_at DESC) AS lasting
    FROM jwt_replay
    WHERE expires_at > $1::timestamptz AND client IS NOT NULL
  ) ranked
  WHERE lasting <= $2`;

/** Rows per INSERT when writing jtis (as for issued cards). */
const JTIS_PER_INSERT = 500;

// Keyset order (issued_at, uuid): the cards of one hook share their issued_at, so the uuid breaks
// ties and a page boundary never splits or repeats them. Served by issued_cards_issued_at_idx.
const AUDIT_TRAIL_SQL = `
  SELECT uuid, service_id, rule_code, hook_instance, issued_at, mode, hook, tenant, user_id, patient_id,
         ruleset_version, indicator, resources
  FROM issued_cards
  WHERE issued_at >= $1::timestamptz AND issued_at < $2::timestamptz
    AND ($3::text IS NULL OR (issued_at, uuid) > ($1::timestamptz, $3::text))
  ORDER BY issued_at, uuid
  LIMIT $4`;

/**
 * Retention deletes in slices, so that the first run on years of rows never holds one long
 * transaction (and its locks) over the table the hooks write to.
 */
const RETENTION_DELETE_SQL = `
  WITH gone AS (
    DELETE FROM issued_cards WHERE uuid IN (
      SELECT uuid FROM issued_cards WHERE issued_at < $1::timestamptz LIMIT $2)
    RETURNING 1)
  SELECT count(*)::int AS deleted FROM gone`;
const RETENTION_ROWS_PER_DELETE = 10_000;

interface AuditTrailRow extends IssuedCardRow {
  hook: string | null;
  tenant: string | null;
  user_id: string | null;
  patient_id: string | null;
  ruleset_version: string | null;
  indicator: string | null;
  resources: string[] | null;
}

function issuedCardOf(row: IssuedCardRow): IssuedCard {
  return {
    uuid: row.uuid,
    serviceId: row.service_id,
    ruleCode: row.rule_code,
    hookInstance: row.hook_instance,
    issuedAt: new Date(row.issued_at),
    mode: row.mode === 'shadow' ? 'shadow' : 'active',
  };
}

/** Rows recorded before the audit columns existed carry no audit detail. */
function auditOf(row: AuditTrailRow): CardAudit | undefined {
  if (row.hook === null || row.patient_id === null || row.ruleset_version === null || row.indicator === null) {
    return undefined;
  }
  return {
    hook: row.hook,
    ...(row.tenant === null ? {} : { tenant: row.tenant }),
    ...(row.user_id === null ? {} : { userId: row.user_id }),
    patientId: row.patient_id,
    rulesetVersion: row.ruleset_version,
    indicator: row.indicator,
    resources: row.resources ?? [],
  };
}


export interface SqlStoreOptions {
  /** Injected clock (receipt times, jti expiry); never read directly. */
  readonly now: () => Date;
}

/** The one Store implementation, over PGlite or PostgreSQL alike. */
export function createSqlStore(client: SqlClient, options: SqlStoreOptions): Store {
  let lastReplayPurge = Number.NEGATIVE_INFINITY;

  async function purgeExpiredJtis(now: Date): Promise<void> {
    if (now.getTime() - lastReplayPurge < REPLAY_PURGE_INTERVAL_MS) return;
    lastReplayPurge = now.getTime();
    await client.query('DELETE FROM jwt_replay WHERE expires_at <= $1::timestamptz', [now.toISOString()]);
  }

  return {
    description: client.description,

    async migrate(): Promise<void> {
      await applyMigrations(client, MIGRATIONS, options.now());
    },

    async recordIssuedCards(cards: readonly IssuedCard[]): Promise<void> {
      for (let start = 0; start < cards.length; start += ISSUED_CARDS_PER_INSERT) {
        const chunk = cards.slice(start, start + ISSUED_CARDS_PER_INSERT);
        await client.query(INSERT_ISSUED_CARDS_SQL, [
          chunk.map((card) => card.uuid),
          chunk.map((card) => card.serviceId),
          chunk.map((card) => card.ruleCode),
          chunk.map((card) => card.hookInstance),
          chunk.map((card) => card.issuedAt.toISOString()),
          chunk.map((card) => card.mode ?? 'active'),
          chunk.map((card) => card.audit?.hook ?? null),
          chunk.map((card) => card.audit?.tenant ?? null),
          chunk.map((card) => card.audit?.userId ?? null),
          chunk.map((card) => card.audit?.patientId ?? null),
          chunk.map((card) => card.audit?.rulesetVersion ?? null),
          chunk.map((card) => card.audit?.indicator ?? null),
          // unnest cannot take a ragged text[][]: references never contain a space, so one string each.
          chunk.map((card) => (card.audit === undefined ? null : card.audit.resources.join(' '))),
        ]);
      }
    },

    async recordFeedback(records: readonly FeedbackRecord[]): Promise<RecordFeedbackResult> {
      const receivedAt = options.now().toISOString();
      return client.transaction(async (tx) => {
        const storedItems: boolean[] = [];
        for (const record of records) {
          const inserted = await tx.query<{ id: unknown }>(INSERT_FEEDBACK_SQL, [
            record.serviceId,
            record.cardUuid,
            record.outcome,
            record.outcomeTimestamp.toISOString(),
            JSON.stringify(record.acceptedSuggestionIds),
            record.overrideReason?.system ?? null,
            record.overrideReason?.code ?? null,
            record.overrideReason?.display ?? null,
            record.hasUserComment,
            receivedAt,
          ]);
          storedItems.push(inserted.length === 1);
        }
        const stored = storedItems.filter(Boolean).length;
        return { stored, duplicates: records.length - stored, storedItems };
      });
    },

    async findIssuedCard(uuid: string): Promise<IssuedCard | undefined> {
      const rows = await client.query<IssuedCardRow>(
        'SELECT uuid, service_id, rule_code, hook_instance, issued_at, mode FROM issued_cards WHERE uuid = $1',
        [uuid],
      );
      const row = rows[0];
      return row === undefined ? undefined : issuedCardOf(row);
    },

    feedbackReport: (query: FeedbackReportQuery = {}) => queryFeedbackReport(client, query, options.now()),

    async auditTrail(query: AuditTrailQuery): Promise<IssuedCard[]> {
      const rows = await client.query<AuditTrailRow>(AUDIT_TRAIL_SQL, [
        query.since.toISOString(),
        query.until.toISOString(),
        query.after ?? null,
        query.limit,
      ]);
      return rows.map((row) => {
        const audit = auditOf(row);
        return { ...issuedCardOf(row), ...(audit === undefined ? {} : { audit }) };
      });
    },

    async deleteIssuedCardsBefore(cutoff: Date): Promise<number> {
      let total = 0;
      for (;;) {
        const rows = await client.query<{ deleted: number }>(RETENTION_DELETE_SQL, [
          cutoff.toISOString(),
          RETENTION_ROWS_PER_DELETE,
        ]);
        const deleted = rows[0]?.deleted ?? 0;
        total += deleted;
        if (deleted < RETENTION_ROWS_PER_DELETE) return total;
      }
    },

    async claimJtis(jtis: readonly StoredJti[]): Promise<boolean[]> {
      const now = options.now();
      await purgeExpiredJtis(now);
      // One statement cannot affect the same row twice: a key repeated in the batch is claimed
      // once, for its first occurrence; the later ones are replays of it.
      const first = new Map<string, StoredJti>();
      for (const jti of jtis) if (!first.has(jti.key)) first.set(jti.key, jti);
      const unique = [...first.values()];
      const rows = await client.query<{ key: string }>(CLAIM_JTIS_SQL, [
        unique.map((jti) => jti.key),
        unique.map((jti) => jti.client),
        unique.map((jti) => jti.expiresAt.toISOString()),
        now.toISOString(),
      ]);
      const claimed = new Set(rows.map((row) => row.key));
      return jtis.map((jti) => claimed.delete(jti.key));
    },

    async rememberJtis(jtis: readonly StoredJti[]): Promise<void> {
      await purgeExpiredJtis(options.now());
      // One statement cannot update the same row twice: a key repeated within a batch (a jti a
      // client reused after the first token expired) is written once, with its later expiry.
      const byKey = new Map<string, StoredJti>();
      for (const jti of jtis) {
        const seen = byKey.get(jti.key);
        if (seen === undefined || seen.expiresAt < jti.expiresAt) byKey.set(jti.key, jti);
      }
      const unique = [...byKey.values()];
      for (let start = 0; start < unique.length; start += JTIS_PER_INSERT) {
        const chunk = unique.slice(start, start + JTIS_PER_INSERT);
        await client.query(REMEMBER_JTIS_SQL, [
          chunk.map((jti) => jti.key),
          chunk.map((jti) => jti.client),
          chunk.map((jti) => jti.expiresAt.toISOString()),
        ]);
      }
    },

    async liveJtis(limitPerClient: number): Promise<StoredJti[]> {
      const rows = await client.query<{ live: string | null }>(LIVE_JTIS_SQL, [options.now().toISOString(), limitPerClient]);
      const live = rows[0]?.live;
      if (!live) return [];
      return live.split('\n').map((line) => {
        const [clientDigest = '', key = '', expiresAtMs = ''] = line.split(' ');
        return { client: clientDigest, key, expiresAt: new Date(Number(expiresAtMs)) };
      });
    },

    async ping(): Promise<void> {
      await client.query('SELECT 1 AS ok');
    },

    close: () => client.close(),
  };
}
