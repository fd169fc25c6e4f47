import Ajv from 'ajv';
import addFormats from 'ajv-formats';

/**
 * CDS Hooks 2.0 response (https://cds-hooks.hl7.org/2.0/#cds-service-response): cards with
 * suggestions, actions, links and override reasons; systemActions. Optional fields, when
 * present, are never null or empty (the spec: "SHALL NOT be null or empty"), which
 * `minLength` / `minItems` / `not: null` express below. Asserted on every HTTP response.
 */
const nonEmpty = { type: 'string', minLength: 1 } as const;
const coding = {
  type: 'object',
  required: ['code'],
  additionalProperties: false,
  properties: { system: nonEmpty, code: nonEmpty, display: nonEmpty },
} as const;
const action = {
  type: 'object',
  required: ['type', 'description'],
  additionalProperties: false,
  properties: {
    type: { enum: ['create', 'update', 'delete'] },
    description: nonEmpty,
    resource: { type: 'object', required: ['resourceType'] },
    resourceId: nonEmpty,
  },
  allOf: [
    { if: { properties: { type: { enum: ['create', 'update'] } } }, then: { required: ['resource'] } },
    { if: { properties: { type: { const: 'delete' } } }, then: { required: ['resourceId'] } },
  ],
} as const;
const suggestion = {
  type: 'object',
  required: ['label', 'uuid'],
  additionalProperties: false,
  properties: {
    label: nonEmpty,
    uuid: { type: 'string', format: 'uuid' },
    isRecommended: { type: 'boolean' },
    actions: { type: 'array', minItems: 1, items: action },
  },
} as const;
const link = {
  type: 'object',
  required: ['label', 'url', 'type'],
  additionalProperties: false,
  properties: {
    label: nonEmpty,
    url: { type: 'string', format: 'uri' },
    type: { enum: ['absolute', 'smart'] },
    appContext: nonEmpty,
  },
} as const;
const card = {
  type: 'object',
  required: ['uuid', 'summary', 'indicator', 'source'],
  additionalProperties: false,
  properties: {
    uuid: { type: 'string', format: 'uuid' },
    summary: { type: 'string', minLength: 1, maxLength: 139 },
    detail: nonEmpty,
    indicator: { enum: ['info', 'warning', 'critical'] },
    source: {
      type: 'object',
      required: ['label'],
      additionalProperties: false,
      properties: {
        label: nonEmpty,
        url: { type: 'string', format: 'uri' },
        icon: { type: 'string', format: 'uri' },
        topic: coding,
      },
    },
    suggestions: { type: 'array', minItems: 1, items: suggestion },
    selectionBehavior: { enum: ['at-most-one', 'any'] },
    // "If override reasons are present, the CDS Service MUST populate a display value".
    overrideReasons: { type: 'array', minItems: 1, items: { ...coding, required: ['code', 'display'] } },
    links: { type: 'array', minItems: 1, items: link },
  },
  if: { required: ['suggestions'] },
  then: { required: ['selectionBehavior'] },
} as const;
export const cdsResponseSchema = {
  type: 'object',
  required: ['cards'],
  additionalProperties: false,
  properties: {
    cards: { type: 'array', items: card },
    systemActions: { type: 'array', minItems: 1, items: action },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
addFormats(ajv, ['uri', 'uuid']);
const validate = ajv.compile(cdsResponseSchema);

/** Throws with Ajv's explanation when `body` is not a valid CDS Hooks 2.0 response. */
export function expectCdsResponse(body: unknown): void {
  if (!validate(body)) {
    throw new Error(`not a CDS Hooks 2.0 response: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 2).slice(0, 2000)}`);
  }
}
