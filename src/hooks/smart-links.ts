import type { CdsCard, CdsLink } from '../logic/cards/cards';

/**
 * service-contract.md "SMART app links": every card returned links the immunosuppression timeline
 * app, focused on what triggered it. The link is added here, after decide(), rather than in
 * src/logic: where the app lives (CDS_PUBLIC_URL) and whether sites want the link
 * (CDS_SMART_LINKS) are deployment facts, not clinical ones, and the cards' content stays what
 * the rules decided.
 *
 * The rule, the focus and the patient travel twice. `appContext` (CDS Hooks 2.0 Link) reaches the
 * app through an EHR launch's token response; a launch against an open FHIR server has no token
 * response, so the URL carries them too (`rule`, `focus`, `patientId`). The CDS Hooks Sandbox
 * (cds-hooks/sandbox launch-context-retrieval.js) asks even an open server's
 * `_services/smart/Launch` for a launch id and opens the link with `launch` and `iss`; fhirclient
 * then finds no authorization endpoint and starts an open-server session whose patient is the
 * URL's `patientId`. After a real authorization the token's `patient` replaces it.
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
      url: timelineUrl(input.appUrl, ruleCode, focus, input.patientId),
      type: 'smart',
      appContext: JSON.stringify({ ruleCode, patientId: input.patientId, focus }),
    };
    return { ...card, links: [...(card.links ?? []), link] };
  });
}

/**
 * `?rule=<code>&focus=<ref>,<ref>&patientId=<id>`. Rule codes and FHIR references
 * (`Observation/t3`: R4 ids are [A-Za-z0-9-.]) need no escaping but the `/`, which RFC 3986 §3.4
 * allows in a query as it is.
 */
function timelineUrl(appUrl: string, ruleCode: string, focus: readonly string[], patientId: string): string {
  const encode = (value: string): string => encodeURIComponent(value).replaceAll('%2F', '/');
  const focusPart = focus.length === 0 ? '' : `&focus=${focus.map(encode).join(',')}`;
  return `${appUrl}?rule=${encode(ruleCode)}${focusPart}&patientId=${encode(patientId)}`;
}
