import { addDays, formatDate, isWithinLastDays } from '../time/fhir-time';
import { isQualitativeHcgObservation } from '../vocabulary/pregnancy-codes';
import { instantOfResult } from '../record/observations';
import { ageInYears } from '../record/patient-age';
import { assessPregnancy } from '../record/pregnancy';
import type { Evidence, Finding, Rule, RuleContext } from './rule';
import { buildLabOrder, type LabOrderRequest } from './lab-order';
import { describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { labelledProductsOf } from '../cards/sources';

/**
 * Wave 2 rule 7b (order hooks): a mycophenolate draft that is a new start (no mycophenolate
 * order active in the last 90 days), for a female patient aged 12–50 on today's date (service
 * default proxy for "reproductive potential"), with no qualitative hCG result — any value,
 * readable or not — dated in the last 7 days. CellCept / Myfortic labels 8.3 and the
 * Mycophenolate REMS: a pregnancy test immediately before starting and 8–10 days later.
 * Suggestion: a serum pregnancy test (LOINC 2118-8).
 */
const CODE = 'mycophenolate-pregnancy-test-missing';
const ALLOWED_STATUSES: ReadonlySet<string> = new Set(['final', 'amended', 'corrected']);

/** CellCept / Myfortic label 8.3: immediately before starting, and again 8–10 days later. */
const SERUM_PREGNANCY_TEST: LabOrderRequest = {
  loinc: '2118-8',
  display: 'Choriogonadotropin (pregnancy test) [Presence] in Serum or Plasma',
  text: 'Serum pregnancy test (qualitative hCG)',
  note: 'Before starting mycophenolate (CellCept / Myfortic label 8.3); repeat 8–10 days later.',
};

/**
 * §4.7b "new start": no record mycophenolate order active at any time in the last 90 days. An
 * order whose end is unknown (none planned, or a stop without a date, which §4 puts at now) may
 * still run: it makes the draft a renewal, the safe direction.
 */
function isNewStart(context: RuleContext): boolean {
  const since = addDays(context.now, -context.targets.pregnancy.newStartLookbackDays).getTime();
  return !context.orders.some(
    (order) =>
      !order.isDraft &&
      order.group === 'mycophenolate' &&
      (order.end === undefined || order.end.getTime() >= since),
  );
}

type TestSearch =
  | { readonly kind: 'none'; readonly last?: Evidence }
  | { readonly kind: 'found' }
  | { readonly kind: 'undated' };

/** Any qualitative hCG of an allowed status in [now − 7 days, now]; an undated one might be recent. */
function findRecentTest(context: RuleContext): TestSearch {
  const windowDays = context.targets.pregnancy.testWindowDays;
  let last: { at: number; observation: fhir4.Observation } | undefined;
  for (const observation of context.observations) {
    if (!isQualitativeHcgObservation(observation) || !ALLOWED_STATUSES.has(observation.status)) continue;
    const at = instantOfResult(observation);
    if (at === undefined) return { kind: 'undated' };
    if (at > context.now.getTime()) continue;
    if (isWithinLastDays(new Date(at), context.now, windowDays)) return { kind: 'found' };
    if (!last || at > last.at) last = { at, observation };
  }
  if (!last) return { kind: 'none' };
  return {
    kind: 'none',
    last: {
      label: 'Last qualitative pregnancy test',
      date: formatDate(new Date(last.at)),
      reference: last.observation.id ? `Observation/${last.observation.id}` : undefined,
    },
  };
}

function evaluate(context: RuleContext): Finding[] {
  if (!context.isOrderHook) return [];
  const drafts = context.drafts.filter(
    (draft) => draft.group === 'mycophenolate' && !draft.discontinuesGroup,
  );
  if (drafts.length === 0 || !isNewStart(context)) return [];
  const { patient } = context;
  if (context.unavailable.has('patient') || !patient) {
    context.note(`${CODE}: patient unavailable`);
    return [];
  }
  if (context.unavailable.has('pregnancy')) {
    context.note(`${CODE}: pregnancy tests unavailable`);
    return [];
  }
  if (patient.gender === undefined) {
    context.note(`${CODE}: no gender recorded`);
    return [];
  }
  if (patient.gender !== 'female') return [];
  const age = ageInYears(patient.birthDate, context.now);
  if (!age.ok) {
    context.note(`${CODE}: ${age.reason}`);
    return [];
  }
  const band = context.targets.pregnancy.reproductiveAgeYears;
  const inBand = (years: number): boolean => years >= band.min && years <= band.max;
  if (!inBand(age.youngest) || !inBand(age.oldest)) {
    if (inBand(age.youngest) || inBand(age.oldest))
      context.note(`${CODE}: partial birth date at the age band's edge`);
    return [];
  }
  const test = findRecentTest(context);
  if (test.kind === 'undated') {
    context.note(`${CODE}: a pregnancy test without a readable date may be recent`);
    return [];
  }
  if (test.kind === 'found') return [];
  // Pregnancy already recorded: rule 1a's critical card says more than "order a test".
  if (assessPregnancy(context, CODE).kind === 'pregnant') return [];
  return [
    {
      code: CODE,
      indicator: 'info',
      evidence: [
        ...drafts.map(describeOrderWithDose(context)),
        {
          label: 'Patient',
          value: `female, ${age.youngest === age.oldest ? age.oldest : `${age.youngest}–${age.oldest}`} years`,
        },
        test.last ?? { label: 'Last qualitative pregnancy test', value: 'none on record' },
      ],
      draftOrderId: draftIdOf(drafts),
      proposedCreate: buildLabOrder(context, SERUM_PREGNANCY_TEST),
      proposedCreateLabel: 'Order serum pregnancy test',
      labelledProducts: labelledProductsOf(drafts),
      facts: {
        testWindowDays: context.targets.pregnancy.testWindowDays,
        ageMin: band.min,
        ageMax: band.max,
        lookbackDays: context.targets.pregnancy.newStartLookbackDays,
      },
    },
  ];
}

export const mycophenolatePregnancyTestMissing: Rule = { code: CODE, evaluate };
