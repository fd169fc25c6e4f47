import type Ajv from 'ajv';
import { CdsError, type Issue } from '../errors';
import type { FeedbackOutcome } from '../cds-hooks/feedback';
import { issuesFromAjv } from './ajv';

/**
 * CDS Hooks 2.0 §Feedback (https://cds-hooks.hl7.org/2.0/#feedback): `{ feedback: Feedback[] }`,
 * each with `card` (the card.uuid), `outcome` accepted | overridden, `acceptedSuggestions`
 * (CONDITIONAL: "Required for accepted outcomes"), `overrideReason` { reason?: Coding,
 * userComment? } and `outcomeTimestamp` ("ISO timestamp in UTC"). §Coding: `code` and `system`
 * REQUIRED. Extra fields (e.g. `extension`) are allowed, as everywhere in CDS Hooks.
 */
export interface FeedbackItem {
  readonly card: string;
  readonly outcome: FeedbackOutcome;
  readonly acceptedSuggestions?: readonly { readonly id: string }[];
  readonly overrideReason?: {
    readonly reason?: { readonly system: string; readonly code: string; readonly display?: string };
    readonly userComment?: string;
  };
  readonly outcomeTimestamp: string;
}

export interface FeedbackRequest {
  readonly feedback: readonly FeedbackItem[];
}

export type FeedbackRequestParser = (body: unknown) => FeedbackRequest;

const id = { type: 'string', minLength: 1, maxLength: 256 } as const;
const coding = {
  type: 'object',
  required: ['system', 'code'],
  properties: {
    system: { type: 'string', minLength: 1, maxLength: 512 },
    code: { type: 'string', minLength: 1, maxLength: 256 },
    display: { type: 'string', maxLength: 1024 },
  },
} as const;

export const FEEDBACK_REQUEST_SCHEMA = {
  $id: 'urn:ln-cds-hooks:schema:feedback-request',
  type: 'object',
  required: ['feedback'],
  properties: {
    feedback: {
      type: 'array',
      // One POST per user action in practice (the Sandbox sends one item); bounded all the same.
      maxItems: 100,
      items: {
        type: 'object',
        required: ['card', 'outcome', 'outcomeTimestamp'],
        properties: {
          card: id,
          outcome: { type: 'string', enum: ['accepted', 'overridden'] },
          acceptedSuggestions: {
            type: 'array',
            maxItems: 100,
            items: { type: 'object', required: ['id'], properties: { id } },
          },
          overrideReason: {
            type: 'object',
            properties: { reason: coding, userComment: { type: 'string', maxLength: 10_000 } },
          },
          outcomeTimestamp: { type: 'string', format: 'date-time' },
        },
      },
    },
  },
} as const;

/** The CONDITIONAL rule the schema does not express: accepted feedback names its suggestions. */
function missingAcceptedSuggestions(request: FeedbackRequest): Issue[] {
  return request.feedback.flatMap((item, index) =>
    item.outcome === 'accepted' && (item.acceptedSuggestions?.length ?? 0) === 0
      ? [
          {
            location: `/feedback/${index}/acceptedSuggestions`,
            message: `/feedback/${index}/acceptedSuggestions is required when outcome is accepted`,
          },
        ]
      : [],
  );
}

/** Compiles the feedback schema once (at app start) and returns the parser. */
export function createFeedbackRequestParser(ajv: Ajv): FeedbackRequestParser {
  const validate = ajv.compile<FeedbackRequest>(FEEDBACK_REQUEST_SCHEMA);
  return (body) => {
    if (!validate(body)) {
      throw new CdsError('invalid-request', 'The feedback does not follow CDS Hooks 2.0', {
        issues: issuesFromAjv(validate.errors),
      });
    }
    const issues = missingAcceptedSuggestions(body);
    if (issues.length > 0) {
      throw new CdsError('invalid-request', 'The feedback does not follow CDS Hooks 2.0', { issues });
    }
    return body;
  };
}
