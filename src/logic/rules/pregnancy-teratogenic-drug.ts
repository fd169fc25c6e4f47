import { assessPregnancy } from '../record/pregnancy';
import type { DrugGroup } from '../vocabulary/medication-groups';
import type { Finding, MedicationOrder, Rule, RuleContext } from './rule';
import { currentOrdersOf, describeOrderWithDose, draftIdOf } from '../cards/evidence';
import { labelledProductOf, type LabelledProduct } from '../cards/sources';

/**
 * Wave 2 rule 1a: pregnancy recorded (§3) while the patient is on mycophenolate (MMF or MPA) or
 * cyclophosphamide — an active order not stopped by a draft, or a draft of the drug. A draft that
 * stops the drug is the right action: the stopped group is no longer current, so it never raises
 * the card. One card per patient naming the drug(s). Sources: CellCept / Myfortic labels (boxed
 * warning, 5.1, 8.1; Mycophenolate REMS), cyclophosphamide label (embryo-fetal toxicity, 8.1),
 * KDIGO 2024, EULAR 2017 (pregnancy in SLE), EULAR 2023.
 */
const CODE = 'pregnancy-teratogenic-drug';
const TERATOGENIC_GROUPS: readonly DrugGroup[] = ['mycophenolate', 'cyclophosphamide'];

/** The label of each product ordered; a mycophenolate of unknown kind (MMF or MPA) links both labels. */
function labelsOf(orders: readonly MedicationOrder[]): LabelledProduct[] {
  const labels: LabelledProduct[] = [];
  for (const order of orders) {
    const own = labelledProductOf(order);
    const products: readonly LabelledProduct[] =
      own !== undefined ? [own] : order.group === 'mycophenolate' ? ['cellcept', 'myfortic'] : [];
    for (const product of products) if (!labels.includes(product)) labels.push(product);
  }
  return labels;
}

/**
 * Order hooks: a `delete` of the offending draft, only when that one draft is everything the card
 * is about (removing it resolves the card). With an active order too, or two drafts, one button
 * would leave a teratogen in place while looking like the fix: no suggestion then.
 */
function proposedDeleteOf(
  context: RuleContext,
  offending: readonly MedicationOrder[],
): Finding['proposedDelete'] {
  const [only] = offending;
  if (!context.isOrderHook || offending.length !== 1 || !only?.isDraft || !only.request.id) return undefined;
  return { reference: `MedicationRequest/${only.request.id}`, label: `Remove the ${only.group} order` };
}

function evaluate(context: RuleContext): Finding[] {
  const offending = TERATOGENIC_GROUPS.flatMap((group) => currentOrdersOf(context, group));
  if (offending.length === 0) return [];
  const pregnancy = assessPregnancy(context, CODE);
  if (pregnancy.kind === 'unavailable') {
    context.note(`${CODE}: pregnancy tests unavailable (negative evidence may be invisible)`);
    return [];
  }
  if (pregnancy.kind === 'not-recorded') return [];
  const groups = TERATOGENIC_GROUPS.filter((group) => offending.some((order) => order.group === group));
  // A group with a draft has no other current order (the draft supersedes them): "ordered".
  const ordered = groups.filter((group) => offending.some((order) => order.group === group && order.isDraft));
  return [
    {
      code: CODE,
      indicator: 'critical',
      evidence: [
        pregnancy.latest.evidence,
        ...pregnancy.conflicting.map((negative) => negative.evidence),
        ...offending.map(describeOrderWithDose(context)),
      ],
      draftOrderId: draftIdOf(offending),
      proposedDelete: proposedDeleteOf(context, offending),
      labelledProducts: labelsOf(offending),
      facts: {
        pregnancyDate: pregnancy.latest.evidence.date,
        conflicting: pregnancy.conflicting.length > 0,
        drugs: groups,
        orderedDrugs: ordered,
        windowDays: context.targets.pregnancy.evidenceWindowDays,
      },
    },
  ];
}

export const pregnancyTeratogenicDrug: Rule = { code: CODE, evaluate };
