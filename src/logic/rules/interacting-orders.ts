import type { DrugGroup } from '../vocabulary/medication-groups';
import type { Finding, MedicationOrder, RuleContext } from './rule';
import { currentOrdersOf } from '../cards/evidence';

/**
 * Two drugs taken together, the shape of every interaction rule (tacrolimus-cyp3a4-interaction;
 * clinical-rules-wave2.md 2a, 2b, 6a). "On X" (wave-2 wording): X is active or drafted, after the
 * drafts are applied — a draft that stops either drug ends the combination in that hook, so the
 * rule is silent (stopping is the right action, never a reason for a card).
 */
export interface InteractingOrders {
  /** The current orders of the drug the interaction is about (tacrolimus, azathioprine, voclosporin). */
  readonly drug: readonly MedicationOrder[];
  /** The current orders of the drugs that interact with it, group by group, drafts first. */
  readonly interacting: readonly MedicationOrder[];
}

export function findInteractingOrders(
  context: RuleContext,
  drug: DrugGroup,
  interactingGroups: readonly DrugGroup[],
): InteractingOrders | undefined {
  const drugOrders = currentOrdersOf(context, drug);
  if (drugOrders.length === 0) return undefined;
  const interacting = interactingGroups.flatMap((group) => currentByIngredient(context, group));
  return interacting.length === 0 ? undefined : { drug: drugOrders, interacting };
}

/**
 * The group's orders in force, where the drafts supersede or stop only orders of their own
 * ingredient. A class of different drugs (the strong CYP3A4 inhibitors, the inducers) is one
 * group for the rules, but a clarithromycin draft — written or stopped — does not end an active
 * ritonavir order. For a one-drug group (azathioprine, febuxostat …) this is the group's current
 * orders (§2: a draft supersedes its group's active orders).
 */
function currentByIngredient(context: RuleContext, group: DrugGroup): MedicationOrder[] {
  const draftedIngredients = new Set(
    context.drafts.filter((draft) => draft.group === group).map((draft) => draft.product.ingredient),
  );
  return context.orders
    .filter(
      (order) =>
        order.group === group &&
        order.isActive &&
        (order.isDraft || !draftedIngredients.has(order.product.ingredient)),
    )
    .sort((a, b) => Number(b.isDraft) - Number(a.isDraft));
}

/**
 * Order hooks: a `delete` of the interacting draft ("Remove the febuxostat order") when it is the
 * only one being written, so that one click undoes what is being ordered. Several drafts (two
 * febuxostat orders, two inhibitors), a draft without an id (a delete must name it), or
 * patient-view: no suggestion.
 */
export function proposeRemovingDraft(
  context: RuleContext,
  orders: readonly MedicationOrder[],
): Finding['proposedDelete'] {
  if (!context.isOrderHook) return undefined;
  const drafts = orders.filter((order) => order.isDraft && !order.discontinuesGroup);
  const [draft] = drafts;
  if (drafts.length !== 1 || draft?.reference === undefined) return undefined;
  return { reference: draft.reference, label: `Remove the ${draft.product.ingredient} order` };
}
