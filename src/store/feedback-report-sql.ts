import { buildFeedbackReport } from './feedback-report';
import type { DailyFiringRow, FeedbackOutcomeRow, IssuedCountRow, OverrideReasonRow, RulesetVersionRow } from './feedback-report';
import type { SqlClient } from './sql-client';
import type { FeedbackReport, FeedbackReportQuery } from './store';

/**
 * The report's queries, the same SQL on PGlite and PostgreSQL. A card counts in the period it was
 * issued in (issued_cards_issued_at_idx), and its feedback counts with it, whenever it came: the
 * override rate of June is about the cards of June. Feedback about cards this service has no
 * record of (unattributed) has no card time and no tenant: it counts by its own outcome time, and
 * only when no tenant is asked for.
 */

interface Filter {
  /** Conditions on issued_cards (alias ic), joined with AND; empty: none. */
  readonly cards: readonly string[];
  /** Conditions on feedback (alias f) for unattributed items; undefined: leave them out. */
  readonly unattributed: readonly string[] | undefined;
  readonly params: readonly unknown[];
}

function buildFilter(query: FeedbackReportQuery, withTenant: boolean): Filter {
  const params: unknown[] = [];
  const cards: string[] = [];
  const unattributed: string[] = [];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.since !== undefined) {
    const since = param(query.since.toISOString());
    cards.push(`ic.issued_at >= ${since}::timestamptz`);
    unattributed.push(`f.outcome_at >= ${since}::timestamptz`);
  }
  if (query.until !== undefined) {
    const until = param(query.until.toISOString());
    cards.push(`ic.issued_at < ${until}::timestamptz`);
    unattributed.push(`f.outcome_at < ${until}::timestamptz`);
  }
  const tenant = withTenant ? query.tenant : undefined;
  if (tenant !== undefined) cards.push(`ic.tenant = ${param(tenant)}`);
  return { cards, unattributed: tenant === undefined ? unattributed : undefined, params };
}

const where = (conditions: readonly string[]): string =>
  conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;

/** Feedback rows whose card matches the filter, or unattributed ones in the period. */
function feedbackWhere(filter: Filter, extra: string): string {
  const attributed = ['ic.uuid IS NOT NULL', ...filter.cards].join(' AND ');
  const either =
    filter.unattributed === undefined
      ? attributed
      : `(${attributed}) OR (${['ic.uuid IS NULL', ...filter.unattributed].join(' AND ')})`;
  return `WHERE ${extra} (${either})`;
}

export async function queryFeedbackReport(
  client: SqlClient,
  query: FeedbackReportQuery,
  generatedAt: Date,
): Promise<FeedbackReport> {
  const filter = buildFilter(query, true);
  const period = buildFilter(query, false);
  const cardsWhere = where(filter.cards);
  const [issued, outcomes, reasons, daily, versions, tenants] = await Promise.all([
    client.query<IssuedCountRow>(
      `SELECT rule_code,
              count(*) FILTER (WHERE mode = 'active')::int AS issued,
              count(*) FILTER (WHERE mode = 'shadow')::int AS shadow
       FROM issued_cards ic ${cardsWhere} GROUP BY rule_code`,
      filter.params,
    ),
    // Attribution happens when reading: a card recorded after its feedback is still attributed.
    client.query<FeedbackOutcomeRow>(
      `SELECT ic.rule_code, f.outcome, count(DISTINCT f.card_uuid)::int AS cards
       FROM feedback f LEFT JOIN issued_cards ic ON ic.uuid = f.card_uuid
       ${feedbackWhere(filter, '')}
       GROUP BY ic.rule_code, f.outcome`,
      filter.params,
    ),
    client.query<OverrideReasonRow>(
      `SELECT ic.rule_code, f.override_reason_system, f.override_reason_code,
              max(f.override_reason_display) AS override_reason_display,
              count(DISTINCT f.card_uuid)::int AS cards
       FROM feedback f LEFT JOIN issued_cards ic ON ic.uuid = f.card_uuid
       ${feedbackWhere(filter, "f.outcome = 'overridden' AND")}
       GROUP BY ic.rule_code, f.override_reason_system, f.override_reason_code`,
      filter.params,
    ),
    client.query<DailyFiringRow>(
      `SELECT rule_code, to_char(issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE mode = 'active')::int AS shown,
              count(*) FILTER (WHERE mode = 'shadow')::int AS shadow
       FROM issued_cards ic ${cardsWhere} GROUP BY 1, 2`,
      filter.params,
    ),
    client.query<RulesetVersionRow>(
      `SELECT ruleset_version, min(issued_at) AS first_issued_at, max(issued_at) AS last_issued_at,
              count(*)::int AS cards
       FROM issued_cards ic ${where(['ic.ruleset_version IS NOT NULL', ...filter.cards])}
       GROUP BY ruleset_version`,
      filter.params,
    ),
    client.query<{ tenant: string }>(
      `SELECT DISTINCT tenant FROM issued_cards ic ${where(['ic.tenant IS NOT NULL', ...period.cards])}`,
      period.params,
    ),
  ]);
  return buildFeedbackReport(
    { issued, outcomes, reasons, daily, versions, tenants: tenants.map((row) => row.tenant) },
    generatedAt,
    query,
  );
}
