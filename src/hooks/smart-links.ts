import type { CdsCard, CdsLink } from '../logic/cards/cards';

/**
 * service-contract.md "SMART app links": every card returned links the immunosuppression timeline
 * app, focused on what triggered it. The link is added here, after decide(), rather than in
 * src/logic: where the app lives (CDS_PUBLIC_URL) and whether sites want the link
 * (CDS_SMART_LINKS) are deployment facts, not clinical ones, and the cards' content stays what
 * the rules decided.
 *
 * The rule and the focus travel twice. `appContext` (CDS Hooks 2.0 Link) reaches the app through
 * an EHR launch's token response; the CDS Hooks Sandbox, launching against an open FHIR server,
 * drops it — so the URL carries them too (`rule`, `focus`), and the app opens focused either way.
 */
export const TIMELINE_LINK_LABEL = 'Open the immunosuppression timeline';

export interface TimelineLinkInput {
  /** `{CDS_PUBLIC_URL}/app/`. */
  readonly appUrl: string;
  readonly patientId: string;
  /** Per card uuid, the references of the resources that triggered it (Decision.triggers). */
  readonly triggers: ReadonlyMap<string, readonly string[]>;
}

export function addTimelineLinks<C extends CdsCard>(cards: readonly C[], input: TimelineLinkInput): C[] {
  return cards.map((card) => {
    const ruleCode = card.source.topic?.code;
    if (ruleCode === undefined) return card;
    const focus = input.triggers.get(card.uuid) ?? [];
    const link: CdsLink = {
      label: TIMELINE_LINK_LABEL,
      url: timelineUrl(input.appUrl, ruleCode, focus),
      type: 'smart',
      appContext: JSON.stringify({ ruleCode, patientId: input.patientId, focus }),
    };
    return { ...card, links: [...(card.links ?? []), link] };
  });
}

/**
 * `?rule=<code>&focus=<ref>,<ref>`. Rule codes and FHIR references (`Observation/t3`: R4 ids are
 * [A-Za-z0-9-.]) need no escaping but the `/`, which RFC 3986 §3.4 allows in a query as it is.
 */
function timelineUrl(appUrl: string, ruleCode: string, focus: readonly string[]): string {
  const encode = (value: string): string => encodeURIComponent(value).replaceAll('%2F', '/');
  const focusPart = focus.length === 0 ? '' : `&focus=${focus.map(encode).join(',')}`;
  return `${appUrl}?rule=${encode(ruleCode)}${focusPart}`;
}
