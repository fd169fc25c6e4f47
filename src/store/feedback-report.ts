import type {
  FeedbackReport,
  FeedbackReportQuery,
  OverrideReasonCount,
  RuleDailyFiring,
  RuleFeedbackSummary,
  RulesetVersionInUse,
} from './store';

export interface IssuedCountRow {
  rule_code: string;
  issued: number;
  /** Findings of the rule in shadow mode (recorded, not shown); absent from stores before modes. */
  shadow?: number;
}

export interface FeedbackOutcomeRow {
  rule_code: string | null;
  outcome: string;
  cards: number;
}

export interface OverrideReasonRow {
  rule_code: string | null;
  override_reason_system: string | null;
  override_reason_code: string | null;
  override_reason_display: string | null;
  cards: number;
}

export interface DailyFiringRow {
  rule_code: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  shown: number;
  shadow: number;
}

export interface RulesetVersionRow {
  ruleset_version: string;
  first_issued_at: Date | string;
  last_issued_at: Date | string;
  cards: number;
}

interface MutableSummary {
  ruleCode: string | null;
  issued: number;
  shadow: number;
  accepted: number;
  overridden: number;
  overrideReasons: OverrideReasonCount[];
}

/** Rule codes in order; unattributed feedback (null) last. */
function compareRuleCodes(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.localeCompare(b);
}

/** Folds the three aggregate queries of the store into one summary per rule. */
export function buildFeedbackReport(
  rows: {
    readonly issued: readonly IssuedCountRow[];
    readonly outcomes: readonly FeedbackOutcomeRow[];
    readonly reasons: readonly OverrideReasonRow[];
    readonly daily?: readonly DailyFiringRow[];
    readonly versions?: readonly RulesetVersionRow[];
    readonly tenants?: readonly string[];
  },
  generatedAt: Date,
  query: FeedbackReportQuery = {},
): FeedbackReport {
  const byRule = new Map<string | null, MutableSummary>();
  const summaryOf = (ruleCode: string | null): MutableSummary => {
    let summary = byRule.get(ruleCode);
    if (summary === undefined) {
      summary = { ruleCode, issued: 0, shadow: 0, accepted: 0, overridden: 0, overrideReasons: [] };
      byRule.set(ruleCode, summary);
    }
    return summary;
  };
  for (const row of rows.issued) {
    const summary = summaryOf(row.rule_code);
    summary.issued = row.issued;
    summary.shadow = row.shadow ?? 0;
  }
  for (const row of rows.outcomes) {
    const summary = summaryOf(row.rule_code);
    if (row.outcome === 'accepted') summary.accepted = row.cards;
    if (row.outcome === 'overridden') summary.overridden = row.cards;
  }
  for (const row of rows.reasons) {
    summaryOf(row.rule_code).overrideReasons.push({
      system: row.override_reason_system,
      code: row.override_reason_code,
      display: row.override_reason_display,
      cards: row.cards,
    });
  }
  const rules: RuleFeedbackSummary[] = [...byRule.values()]
    .sort((a, b) => compareRuleCodes(a.ruleCode, b.ruleCode))
    .map((summary) => ({
      ...summary,
      overrideReasons: summary.overrideReasons.sort(
        (a, b) => b.cards - a.cards || (a.code ?? '').localeCompare(b.code ?? ''),
      ),
    }));
  const days = reportDays(query, generatedAt, rows.daily ?? []);
  return {
    generatedAt: generatedAt.toISOString(),
    rules,
    period: { since: query.since?.toISOString() ?? null, until: query.until?.toISOString() ?? null },
    tenant: query.tenant ?? null,
    tenants: [...(rows.tenants ?? [])].sort(),
    days,
    daily: dailyFiring(days, rows.daily ?? []),
    rulesetVersions: (rows.versions ?? [])
      .map(
        (row): RulesetVersionInUse => ({
          version: row.ruleset_version,
          firstIssuedAt: new Date(row.first_issued_at).toISOString(),
          lastIssuedAt: new Date(row.last_issued_at).toISOString(),
          cards: row.cards,
        }),
      )
      .sort((a, b) => a.firstIssuedAt.localeCompare(b.firstIssuedAt) || a.version.localeCompare(b.version)),
  };
}

const DAY_MS = 86_400_000;
/** Beyond two years of days the series lists only the days something fired (a chart of it is unreadable anyway). */
const MAX_FILLED_DAYS = 731;

const utcDay = (instant: Date): string => instant.toISOString().slice(0, 10);

/**
 * Every UTC day of the period, so that a chart shows the quiet days as zero: from `since` (or the
 * first day anything fired) to the day before `until` (or today).
 */
function reportDays(query: FeedbackReportQuery, generatedAt: Date, rows: readonly DailyFiringRow[]): string[] {
  const seen = [...new Set(rows.map((row) => row.day))].sort();
  const first = query.since === undefined ? seen[0] : utcDay(query.since);
  if (first === undefined) return [];
  const lastInstant = query.until === undefined ? generatedAt : new Date(query.until.getTime() - 1);
  const last = [utcDay(lastInstant), seen[seen.length - 1] ?? ''].sort()[1] ?? first;
  const start = Date.parse(`${first}T00:00:00Z`);
  const end = Date.parse(`${last}T00:00:00Z`);
  if (end < start || (end - start) / DAY_MS >= MAX_FILLED_DAYS) return seen;
  const days: string[] = [];
  for (let day = start; day <= end; day += DAY_MS) days.push(utcDay(new Date(day)));
  return days;
}

function dailyFiring(days: readonly string[], rows: readonly DailyFiringRow[]): RuleDailyFiring[] {
  const index = new Map(days.map((day, position) => [day, position]));
  const byRule = new Map<string, { shown: number[]; shadow: number[] }>();
  for (const row of rows) {
    const position = index.get(row.day);
    if (position === undefined) continue;
    let series = byRule.get(row.rule_code);
    if (series === undefined) {
      series = { shown: days.map(() => 0), shadow: days.map(() => 0) };
      byRule.set(row.rule_code, series);
    }
    series.shown[position] = row.shown;
    series.shadow[position] = row.shadow;
  }
  return [...byRule.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([ruleCode, series]) => ({ ruleCode, ...series }));
}

const UNATTRIBUTED_LABEL = '(cards not issued by this service)';

function describeReason(reason: OverrideReasonCount): string {
  if (reason.code === null) return 'no reason given';
  const coded = `${reason.system ?? '?'}|${reason.code}`;
  return reason.display === null ? coded : `${coded} (${reason.display})`;
}

/** Plain-text table for people: one line per rule, its override reasons indented below. */
export function formatFeedbackReportTable(report: FeedbackReport): string {
  const header = ['rule', 'issued', 'shadow', 'accepted', 'overridden', 'override rate'];
  const lines = report.rules.map((rule) => [
    rule.ruleCode ?? UNATTRIBUTED_LABEL,
    String(rule.issued),
    String(rule.shadow),
    String(rule.accepted),
    String(rule.overridden),
    formatRate(overrideRate(rule)),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] ?? '').length)),
  );
  const render = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const out = [`Feedback report (${report.generatedAt})`, ...describeScope(report), '', render(header)];
  out.push(render(widths.map((width) => '-'.repeat(width))));
  if (report.rules.length === 0) out.push('no cards issued and no feedback yet');
  report.rules.forEach((rule, index) => {
    out.push(render(lines[index] ?? []));
    for (const reason of rule.overrideReasons) {
      out.push(`    overridden: ${describeReason(reason)}: ${reason.cards}`);
    }
  });
  const versions = report.rulesetVersions ?? [];
  if (versions.length > 0 || report.currentRulesetVersion !== undefined) out.push('');
  if (report.currentRulesetVersion !== undefined) out.push(`rule-set version in force: ${report.currentRulesetVersion}`);
  for (const version of versions) {
    out.push(`rule-set version ${version.version}: ${version.cards} cards, ${version.firstIssuedAt} to ${version.lastIssuedAt}`);
  }
  return `${out.join('\n')}\n`;
}

/** The period and tenant lines of a report that has them (a service of an earlier version sends neither). */
function describeScope(report: FeedbackReport): string[] {
  if (report.period === undefined) return [];
  const { since, until } = report.period;
  return [`cards issued from ${since ?? 'the first one'} to ${until ?? 'now'} (end excluded); tenant: ${report.tenant ?? 'all'}`];
}

/**
 * Overridden cards per card shown (McGreevey et al., Appl Clin Inform 2020: alerts overridden
 * over alerts fired); undefined when none was shown. Shadow findings are never shown, so they
 * are not in the denominator.
 */
export function overrideRate(rule: Pick<RuleFeedbackSummary, 'issued' | 'overridden'>): number | undefined {
  return rule.issued === 0 ? undefined : rule.overridden / rule.issued;
}

function formatRate(rate: number | undefined): string {
  return rate === undefined ? '-' : `${(rate * 100).toFixed(1)} %`;
}
