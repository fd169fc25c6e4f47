import type { AuditPage } from './audit-bundle';

/**
 * FHIR `instant` (https://hl7.org/fhir/R4/datatypes.html#instant): seconds and a zone are
 * required, so that a period means the same on every replica and in every audit repository.
 */
const FHIR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A card uuid as the service issues it, or as a cursor names it. */
const CURSOR = /^[A-Za-z0-9\-.]{1,64}$/;

export interface AuditPeriodInput {
  readonly since?: string;
  readonly until?: string;
  readonly after?: string;
}

/**
 * The period of an audit export, [since, until). Both ends are required: an export job ships
 * consecutive periods, each starting where the last ended, and a default end ("now") would move
 * under it (a card is recorded up to 250 ms after it is issued). Returns why when it is not one.
 */
export function parseAuditPeriod(input: AuditPeriodInput): AuditPage | string {
  const since = parseInstant('since', input.since);
  if (typeof since === 'string') return since;
  const until = parseInstant('until', input.until);
  if (typeof until === 'string') return until;
  if (since.getTime() >= until.getTime()) return `since (${input.since ?? ''}) must be before until (${input.until ?? ''})`;
  if (input.after === undefined) return { since, until };
  if (!CURSOR.test(input.after)) return 'after must be the card uuid of a next link';
  return { since, until, after: input.after };
}

function parseInstant(name: string, value: string | undefined): Date | string {
  if (value === undefined || value === '') {
    return `${name} is required: a FHIR instant such as 2026-03-03T00:00:00Z`;
  }
  const date = new Date(value);
  if (!FHIR_INSTANT.test(value) || Number.isNaN(date.getTime())) {
    return `${name} must be a FHIR instant with seconds and a time zone, such as 2026-03-03T00:00:00Z, not ${JSON.stringify(value.slice(0, 40))}`;
  }
  return date;
}
