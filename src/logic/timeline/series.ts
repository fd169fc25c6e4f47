import { displayUnit } from '../cards/card-text';
import { formatTimelineTime } from './timeline-time';
import { groupOf, instantOfResult, readResult } from '../record/observations';
import type { Comparator } from '../rules/rule';
import { OBSERVATION_GROUPS, type ObservationGroupKey } from '../vocabulary/observation-groups';

/**
 * One track of the timeline per analyte group of clinical-rules.md §3, every result of the
 * record in it — the readable ones converted to the group's canonical unit by `readResult`, the
 * rules' own reading, and the others with the reason they cannot be shown. A result the chart
 * cannot place or read is listed, never dropped: a clinician must see that a trough exists even
 * when its unit is unknown.
 */
export interface TimelineSeries {
  readonly key: ObservationGroupKey;
  readonly label: string;
  /** The canonical unit of the group, as a clinician reads it (mL/min/1.73 m², mg·h/L). */
  readonly unit: string;
  readonly points: readonly TimelinePoint[];
}

export interface TimelinePoint {
  /** `Observation/<id>`, when the result has an id. */
  readonly reference?: string;
  /** The result's time (§3: effective, else issued; formatTimelineTime); absent when no date can be read. */
  readonly at?: string;
  readonly value?: number;
  readonly comparator?: Comparator;
  /** As reported, when the value was converted to the canonical unit. */
  readonly reported?: { readonly value: number; readonly unit: string };
  /** Why the value cannot be shown. */
  readonly unreadable?: string;
}

const LABELS: Readonly<Record<ObservationGroupKey, string>> = {
  tacrolimus: 'Tacrolimus trough',
  mpaTrough: 'MPA trough',
  mpaAuc: 'MPA AUC0-12',
  egfr: 'eGFR',
  creatinine: 'Serum creatinine',
  weight: 'Body weight',
};

/** Track order: the levels, then kidney function, then weight (azathioprine's mg/kg). */
const TRACKS: readonly ObservationGroupKey[] = [
  'tacrolimus',
  'mpaTrough',
  'mpaAuc',
  'egfr',
  'creatinine',
  'weight',
];

/** Every track, in TRACKS order (an empty track says "no results", which the app shows). */
export function buildSeries(
  observations: readonly fhir4.Observation[],
  now: Date,
  note: (reason: string) => void,
): TimelineSeries[] {
  const byGroup = new Map<ObservationGroupKey, { point: TimelinePoint; at: number }[]>();
  for (const observation of observations) {
    const key = groupOf(observation);
    if (key === undefined) continue;
    // §3: the statuses the rules accept; a cancelled or entered-in-error result is not a result.
    if (!OBSERVATION_GROUPS[key].statuses.includes(observation.status)) continue;
    const at = instantOfResult(observation);
    const point = readPoint(observation, key, at, now.getTime());
    if (point.unreadable !== undefined)
      note(`timeline ${key}: result shown as unreadable (${point.unreadable})`);
    const list = byGroup.get(key) ?? [];
    list.push({ point, at: at ?? Number.POSITIVE_INFINITY });
    byGroup.set(key, list);
  }
  return TRACKS.map((key) => ({
    key,
    label: LABELS[key],
    unit: displayUnit(OBSERVATION_GROUPS[key].canonicalUnit),
    // Oldest first (the chart's order); undated results last.
    points: (byGroup.get(key) ?? []).sort((a, b) => a.at - b.at).map((entry) => entry.point),
  }));
}

function readPoint(
  observation: fhir4.Observation,
  key: ObservationGroupKey,
  at: number | undefined,
  nowMs: number,
): TimelinePoint {
  const reference = observation.id === undefined ? {} : { reference: `Observation/${observation.id}` };
  if (at === undefined) return { ...reference, unreadable: 'no readable date' };
  const dated = { ...reference, at: formatTimelineTime(new Date(at)) };
  // §3: the rules ignore a result dated after now (a wrong clock or a typo); so does the chart.
  if (at > nowMs) return { ...dated, unreadable: 'dated after now' };
  const reading = readResult(observation, OBSERVATION_GROUPS[key]);
  if (!reading.ok) return { ...dated, unreadable: reading.reason };
  return {
    ...dated,
    value: reading.value,
    ...(reading.comparator === undefined ? {} : { comparator: reading.comparator }),
    ...(reading.reported.unit === reading.unit ? {} : { reported: reading.reported }),
  };
}
