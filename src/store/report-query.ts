import type { FeedbackReportQuery } from './store';

/**
 * `since`, `until` and `tenant` of a report request (GET /admin/feedback-report, the console, the
 * CLI's --since/--until/--tenant). A date (`2026-06-01`) is a whole UTC day: `since` starts at its
 * midnight and `until` ends at the next one, so `since=2026-06-01&until=2026-06-30` is all of June.
 * An instant with its offset (RFC 3339, as FHIR `instant`) is taken as it is; `until` is exclusive.
 */
export interface ReportQueryParams {
  readonly since?: unknown;
  readonly until?: unknown;
  readonly tenant?: unknown;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** As CDS_RULES_FILE allows tenant names (src/config/rules-file.ts). */
const MAX_TENANT_LENGTH = 256;
const DAY_MS = 86_400_000;

/** The parsed query, or a message saying what is wrong with it. */
export function parseReportQuery(params: ReportQueryParams): FeedbackReportQuery | string {
  const since = parseBound(params.since, 'since');
  if (typeof since === 'string') return since;
  const until = parseBound(params.until, 'until');
  if (typeof until === 'string') return until;
  if (since !== undefined && until !== undefined && since.getTime() >= until.getTime()) {
    return 'since must be before until';
  }
  const tenant = params.tenant;
  if (tenant !== undefined && (typeof tenant !== 'string' || tenant.length > MAX_TENANT_LENGTH)) {
    return `tenant must be a tenant name of CDS_CLIENTS_FILE (at most ${MAX_TENANT_LENGTH} characters)`;
  }
  return {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(typeof tenant === 'string' && tenant !== '' ? { tenant } : {}),
  };
}

function parseBound(value: unknown, name: 'since' | 'until'): Date | undefined | string {
  if (value === undefined || value === '') return undefined;
  const problem = `${name} must be a date (2026-06-01) or an instant with its offset (2026-06-01T00:00:00Z)`;
  if (typeof value !== 'string') return problem;
  if (DATE.test(value)) {
    const midnight = Date.parse(`${value}T00:00:00Z`);
    // Date.parse rolls 2026-02-30 over to March; a date that does not exist is refused.
    if (Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== value) return problem;
    return new Date(name === 'since' ? midnight : midnight + DAY_MS);
  }
  if (!INSTANT.test(value)) return problem;
  const instant = Date.parse(value);
  return Number.isNaN(instant) ? problem : new Date(instant);
}
