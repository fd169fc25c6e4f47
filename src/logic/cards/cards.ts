import { CARD_TEXTS, displayUnit, formatMeasurement, formatNumber, formatTarget } from './card-text';
import type { DoseUsed, Evidence, Finding } from '../rules/rule';
import { RULE_CODE_SYSTEM, displayOfRuleCode } from '../vocabulary/rule-codes';

/**
 * The one module turning findings into CDS Hooks 2.0 cards (https://cds-hooks.hl7.org/2.0/#card-attributes;
 * clinical-rules.md §6). Optional fields are omitted, never null or empty.
 */
/** CDS Hooks 2.0 Action: no uuid of its own (only cards and suggestions carry one). */
export interface CdsAction {
  type: 'create' | 'update' | 'delete';
  description: string;
  resource?: fhir4.Resource;
  resourceId?: string;
}

export interface CdsSuggestion {
  label: string;
  uuid: string;
  isRecommended?: boolean;
  actions?: CdsAction[];
}

export interface CdsCoding {
  system: string;
  code: string;
  display?: string;
}

export interface CdsLink {
  label: string;
  url: string;
  type: 'absolute' | 'smart';
  appContext?: string;
}

export interface CdsCard {
  uuid: string;
  summary: string;
  detail?: string;
  indicator: 'info' | 'warning' | 'critical';
  source: { label: string; url?: string; topic?: CdsCoding };
  suggestions?: CdsSuggestion[];
  selectionBehavior?: 'at-most-one' | 'any';
  overrideReasons?: CdsCoding[];
  links?: CdsLink[];
}

export const SOURCE_LABEL = 'LN maintenance immunosuppression (ln-cds-hooks)';
export const OVERRIDE_REASON_SYSTEM = 'urn:ln-cds-hooks:override-reason';

const OVERRIDE_REASONS: readonly CdsCoding[] = [
  {
    system: OVERRIDE_REASON_SYSTEM,
    code: 'patient-specific-target',
    display: 'patient-specific target set by nephrology',
  },
  {
    system: OVERRIDE_REASON_SYSTEM,
    code: 'induction-or-recent-change',
    display: 'induction phase / recent change',
  },
  { system: OVERRIDE_REASON_SYSTEM, code: 'already-addressed', display: 'already addressed' },
];
const NOT_A_TROUGH: CdsCoding = {
  system: OVERRIDE_REASON_SYSTEM,
  code: 'not-a-trough-sample',
  display: 'sample was not a trough',
};

const MAX_SUMMARY = 139;

function clip(text: string): string {
  return text.length <= MAX_SUMMARY ? text : `${text.slice(0, MAX_SUMMARY - 1)}…`;
}

/** Markdown-escapes free text from the record (it may contain *, _, [ …). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#|]/g, '\\$&');
}

function evidenceLine(item: Evidence): string {
  const value = item.value ? `: ${escapeMarkdown(item.value)}` : '';
  const date = item.date ? ` (${item.date})` : '';
  return `- ${escapeMarkdown(item.label)}${value}${date}`;
}

/** How a dose was computed: "2 × 500 mg tablets twice daily", or per kg "200 mg/day (…) ÷ 70 kg (weight on …)". */
function derivationOf(dose: DoseUsed): string {
  const how = escapeMarkdown(dose.how);
  if (dose.mgPerKgPerDay === undefined || dose.weightKg === undefined) return how;
  const date = dose.weightDate ? ` (weight on ${dose.weightDate})` : '';
  return `${formatNumber(dose.mgPerDay)} mg/day (${how}) ÷ ${formatNumber(dose.weightKg)} kg${date}`;
}

/**
 * The patient's number with its date, and for a dose how it was computed, on one line; then the
 * target with its source, why, the evidence and the pitfalls (§6). Each said once.
 */
export function buildDetail(finding: Finding): string {
  const text = CARD_TEXTS[finding.code];
  const lines: string[] = [];
  const { measured: m, dose } = finding;
  if (m) {
    const reported = m.reported
      ? ` (reported as ${formatNumber(m.reported.value)} ${escapeMarkdown(displayUnit(m.reported.unit))})`
      : '';
    const date = m.date ? ` on ${m.date}` : '';
    const derivation = dose ? ` — ${derivationOf(dose)}` : '';
    lines.push(`**${escapeMarkdown(m.label)}:** ${formatMeasurement(m)}${reported}${date}${derivation}`, '');
  } else if (dose) {
    lines.push(`**Daily dose:** ${formatNumber(dose.mgPerDay)} mg/day — ${derivationOf(dose)}`, '');
  }
  if (finding.target) {
    lines.push(
      `**Target:** ${escapeMarkdown(finding.target.label)}: ${formatTarget(finding.target)} (${escapeMarkdown(finding.target.source)}).`,
      '',
    );
  }
  const explanation = text.explain?.(finding) ?? [];
  if (explanation.length > 0) lines.push(...explanation.map(escapeMarkdown), '');
  lines.push(text.why(finding), '');
  if (finding.evidence.length > 0) lines.push('**Evidence used**', ...finding.evidence.map(evidenceLine), '');
  lines.push('**Pitfalls**', ...text.pitfalls(finding).map((p) => `- ${p}`));
  return lines.join('\n');
}

function buildSuggestions(finding: Finding, newId: () => string): CdsSuggestion[] {
  const suggestions: CdsSuggestion[] = [];
  if (finding.proposedDraft) {
    // §6: the label states the new dose as a prescriber writes it.
    const change = finding.facts?.proposedChange;
    const target = finding.target ? ` (${formatTarget(finding.target)})` : '';
    suggestions.push({
      label: clip(
        typeof change === 'string'
          ? `Change to ${change}`
          : `Change the draft order to a dose inside the target${target}`,
      ),
      uuid: newId(),
      actions: [
        {
          type: 'update',
          description: 'Rewrite the draft order to an in-range daily dose',
          resource: finding.proposedDraft,
        },
      ],
    });
  }
  if (finding.proposedCreate) {
    const label = finding.proposedCreateLabel;
    const loinc = finding.proposedCreate.code?.coding?.[0]?.code;
    suggestions.push({
      label: clip(label ?? 'Order a tacrolimus trough level'),
      uuid: newId(),
      actions: [
        {
          type: 'create',
          description:
            label === undefined ? 'Tacrolimus trough (LOINC 77348-1)' : `${label}${loinc ? ` (LOINC ${loinc})` : ''}`,
          resource: finding.proposedCreate,
        },
      ],
    });
  }
  if (finding.proposedDelete) {
    // CDS Hooks 2.0 Action: a `delete` names the resource by `resourceId` (a relative reference).
    suggestions.push({
      label: clip(finding.proposedDelete.label),
      uuid: newId(),
      actions: [
        { type: 'delete', description: finding.proposedDelete.label, resourceId: finding.proposedDelete.reference },
      ],
    });
  }
  return suggestions;
}

export function buildCard(finding: Finding, newId: () => string): CdsCard {
  const text = CARD_TEXTS[finding.code];
  const uuid = newId();
  const suggestions = buildSuggestions(finding, newId);
  const overrideReasons =
    text.overrideReasons !== undefined
      ? text.overrideReasons.map((reason) => ({ system: OVERRIDE_REASON_SYSTEM, ...reason }))
      : finding.code === 'tacrolimus-trough-high'
        ? [...OVERRIDE_REASONS, NOT_A_TROUGH]
        : [...OVERRIDE_REASONS];
  return {
    uuid,
    summary: clip(text.summary(finding)),
    detail: buildDetail(finding),
    indicator: finding.indicator,
    source: {
      label: SOURCE_LABEL,
      topic: { system: RULE_CODE_SYSTEM, code: finding.code, display: displayOfRuleCode(finding.code) },
    },
    suggestions: suggestions.length > 0 ? suggestions : undefined,
    selectionBehavior: suggestions.length > 0 ? 'at-most-one' : undefined,
    overrideReasons,
    links: text
      .links(finding)
      .map((link) => ({ label: link.label, url: link.url, type: 'absolute' as const })),
  };
}

export function buildCards(findings: readonly Finding[], newId: () => string): CdsCard[] {
  return findings.map((finding) => buildCard(finding, newId));
}
