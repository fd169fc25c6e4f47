import type { FeedbackReport, OverrideReasonCount, RuleFeedbackSummary } from './store';

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
  },
  generatedAt: Date,
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
  return { generatedAt: generatedAt.toISOString(), rules };
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
  const out = [`Feedback report (${report.generatedAt})`, '', render(header)];
  out.push(render(widths.map((width) => '-'.repeat(width))));
  if (report.rules.length === 0) out.push('no cards issued and no feedback yet');
  report.rules.forEach((rule, index) => {
    out.push(render(lines[index] ?? []));
    for (const reason of rule.overrideReasons) {
      out.push(`    overridden: ${describeReason(reason)}: ${reason.cards}`);
    }
  });
  return `${out.join('\n')}\n`;
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
