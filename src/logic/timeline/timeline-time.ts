/**
 * How the timeline writes a point in time. FHIR dates without a time of day (`2024-03-15`,
 * R4 `date` / partial `dateTime`) are read as 00:00 UTC (clinical-rules.md §7); written as an
 * instant, a browser west of UTC would show them as the evening before. So an instant at exactly
 * 00:00:00.000 UTC is written as its date (`2024-03-15`, ISO 8601 calendar date), which the app
 * shows as a date without a time; any other instant in full (`2026-05-20T08:00:00.000Z`), which
 * the app shows in the browser's time zone. (An EHR time of exactly midnight UTC is shown as its
 * date: nothing is lost that a clinician reads.)
 */
export function formatTimelineTime(at: Date): string {
  const iso = at.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}
