import type { FeedbackOutcome } from '../cds-hooks/feedback';

/**
 * The durable store: cards the service issued, the feedback CDS clients sent about them and the
 * JWT replay cache. It holds no PHI: card and suggestion uuids, rule codes, hookInstance, times and
 * coded override reasons only — never patient ids, resources or free-text comments (a clinician's
 * `overrideReason.userComment` may name the patient, so only its presence is kept).
 */

/** A card the service returned (CDS Hooks 2.0 §Card `uuid`, attributed to the rule that fired). */
export interface IssuedCard {
  readonly uuid: string;
  readonly serviceId: string;
  readonly ruleCode: string;
  readonly hookInstance: string;
  readonly issuedAt: Date;
  /** `shadow`: a finding of a rule in shadow mode, recorded but never returned. Default `active`. */
  readonly mode?: 'active' | 'shadow';
  /** The audit trail (docs/governance.md): who was told what, by which rule set, on which data. */
  readonly audit?: CardAudit;
}

/** Ids and codes only: no names, and no values beyond what the card itself shows. */
export interface CardAudit {
  readonly hook: string;
  /** The client registration's tenant, when it names one. */
  readonly tenant?: string;
  /** CDS Hooks `context.userId` (e.g. `Practitioner/123`). */
  readonly userId?: string;
  readonly patientId: string;
  /** Package version + hash of the targets and rule settings in force. */
  readonly rulesetVersion: string;
  readonly indicator: string;
  /** References of the FHIR resources that triggered the card (`Observation/…`, `MedicationRequest/…`). */
  readonly resources: readonly string[];
}

/** A page of the audit trail, in (issuedAt, uuid) order. */
export interface AuditTrailQuery {
  readonly since: Date;
  readonly until: Date;
  /** Keyset cursor: of the rows issued exactly at `since`, only those whose uuid sorts after this. */
  readonly after?: string;
  readonly limit: number;
}

/** CDS Hooks 2.0 §Coding, as sent in `overrideReason.reason`. */
export interface OverrideReasonCoding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

/** One CDS Hooks 2.0 Feedback item, reduced to what may be stored. */
export interface FeedbackRecord {
  /** The service id of the feedback URL the client posted to. */
  readonly serviceId: string;
  readonly cardUuid: string;
  readonly outcome: FeedbackOutcome;
  readonly outcomeTimestamp: Date;
  readonly acceptedSuggestionIds: readonly string[];
  readonly overrideReason?: OverrideReasonCoding;
  readonly hasUserComment: boolean;
}

export interface RecordFeedbackResult {
  /** Items newly stored. */
  readonly stored: number;
  /** Items already stored (same card, outcome and outcomeTimestamp): kept once. */
  readonly duplicates: number;
  /** Per item, in order: true when it was newly stored, false when it was a duplicate. */
  readonly storedItems: readonly boolean[];
}

export interface OverrideReasonCount {
  /** null when the card was overridden without a coded reason. */
  readonly system: string | null;
  readonly code: string | null;
  readonly display: string | null;
  /** Distinct cards overridden with this reason. */
  readonly cards: number;
}

export interface RuleFeedbackSummary {
  /** null: feedback naming cards this service has no record of issuing (unattributed). */
  readonly ruleCode: string | null;
  /** Cards shown (rule active). */
  readonly issued: number;
  /** Findings recorded while the rule ran in shadow mode: what it would have shown. */
  readonly shadow: number;
  /** Distinct cards with at least one `accepted` feedback. */
  readonly accepted: number;
  /** Distinct cards with at least one `overridden` feedback. */
  readonly overridden: number;
  readonly overrideReasons: readonly OverrideReasonCount[];
}

/**
 * Which cards a report counts: those issued in [since, until) — feedback counts with the card it
 * is about — and, with `tenant`, only calls from that tenant's clients.
 */
export interface FeedbackReportQuery {
  readonly since?: Date;
  /** Exclusive. */
  readonly until?: Date;
  readonly tenant?: string;
}

/** Cards shown and shadow findings of one rule per UTC day, aligned with FeedbackReport.days. */
export interface RuleDailyFiring {
  readonly ruleCode: string;
  readonly shown: readonly number[];
  readonly shadow: readonly number[];
}

/** A rule-set version (package version + hash of targets and settings) seen on cards of the period. */
export interface RulesetVersionInUse {
  readonly version: string;
  readonly firstIssuedAt: string;
  readonly lastIssuedAt: string;
  /** Cards shown and shadow findings recorded under it. */
  readonly cards: number;
}

/**
 * The fields after `rules` came with the quality console; they are optional because a running
 * service of an earlier version answers the report without them.
 */
export interface FeedbackReport {
  readonly generatedAt: string;
  readonly rules: readonly RuleFeedbackSummary[];
  /** The period asked for (ISO instants; null: unbounded). */
  readonly period?: { readonly since: string | null; readonly until: string | null };
  /** The tenant asked for; null: every call, with or without a tenant. */
  readonly tenant?: string | null;
  /** Tenants seen on cards of the period, whatever tenant was asked for (to choose from). */
  readonly tenants?: readonly string[];
  /** The UTC days (YYYY-MM-DD) of the daily series. */
  readonly days?: readonly string[];
  /** Per rule that fired in the period, its daily firing. */
  readonly daily?: readonly RuleDailyFiring[];
  /** Rule-set versions of the cards of the period, oldest first (none recorded before audit detail). */
  readonly rulesetVersions?: readonly RulesetVersionInUse[];
  /** The rule-set version the service runs now (only a running service knows it). */
  readonly currentRulesetVersion?: string;
}

/**
 * One remembered JWT `jti`, as digests computed by src/auth/replay-cache.ts: no token content, a
 * fixed size, and no NUL byte (which PostgreSQL text refuses).
 */
export interface StoredJti {
  /** SHA-256 (hex) of the client's `iss`: the per-client bound applies to it. */
  readonly client: string;
  /** SHA-256 (hex) of `iss`, NUL, `jti`. */
  readonly key: string;
  readonly expiresAt: Date;
}

/** Which database backs the store, for the start-up banner and /readyz (never a password). */
export interface StoreDescription {
  readonly kind: 'pglite' | 'postgresql';
  /** Data directory, `memory`, or `host:port/database`. */
  readonly location: string;
}

export interface Store {
  readonly description: StoreDescription;
  /** Applies pending migrations (idempotent; safe when several replicas start together). */
  migrate(): Promise<void>;
  /** Remembers issued cards; a uuid already recorded is left as it is. */
  recordIssuedCards(cards: readonly IssuedCard[]): Promise<void>;
  /** Stores feedback; an item already stored (card + outcome + outcomeTimestamp) is kept once. */
  recordFeedback(records: readonly FeedbackRecord[]): Promise<RecordFeedbackResult>;
  findIssuedCard(uuid: string): Promise<IssuedCard | undefined>;
  /** Per rule over a period and tenant (default: everything recorded). */
  feedbackReport(query?: FeedbackReportQuery): Promise<FeedbackReport>;
  /**
   * The audit trail of a period: cards and shadow findings issued in [since, until), oldest
   * first (then by uuid), after the `after` cursor when given, at most `limit`.
   */
  auditTrail(query: AuditTrailQuery): Promise<IssuedCard[]>;
  /** Retention: deletes the issued-card rows issued before `cutoff`; resolves to how many. */
  deleteIssuedCardsBefore(cutoff: Date): Promise<number>;
  /**
   * JWT replay cache (RFC 7519 §4.1.7 `jti`), decided by the table (PostgreSQL replicas), one
   * statement for the whole batch: for each jti in order, true when `jti.key` was new (now
   * remembered until `expiresAt`), false when it was already seen and has not expired — a replay,
   * as is a key repeated later in the same batch.
   */
  claimJtis(jtis: readonly StoredJti[]): Promise<boolean[]>;
  /**
   * Writes jtis already decided in memory (embedded store, batched off the request path). A key
   * already stored keeps the later of the two expiries.
   */
  rememberJtis(jtis: readonly StoredJti[]): Promise<void>;
  /**
   * The unexpired jtis, at most `limitPerClient` per client (those expiring last), soonest expiry
   * first: what the replay cache loads back at start-up.
   */
  liveJtis(limitPerClient: number): Promise<StoredJti[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
