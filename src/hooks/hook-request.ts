import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import type { HookRequest } from '../cds-hooks/request';
import { CdsError } from '../errors';
import type { HookName } from '../logic/record/patient-record';
import { issuesFromAjv } from './ajv';

/*
 * Validation of a hook request. Strict where the spec is (required fields, types, FHIR ids that
 * end up in FHIR URLs); lenient where real clients deviate: extra fields, a draftOrders Bundle
 * without `type`, resources that hold single objects where R4 has arrays (those are read
 * leniently in src/fhir).
 */

/** FHIR id (R4 §2.24.0.1): the patient id is put into FHIR URLs, so nothing else may pass. */
const fhirId = { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' } as const;
const shortString = { type: 'string', minLength: 1, maxLength: 512 } as const;
const resource = { type: 'object', required: ['resourceType'], properties: { resourceType: { type: 'string' } } };
const bundle = {
  type: 'object',
  required: ['resourceType'],
  properties: {
    resourceType: { const: 'Bundle' },
    type: { type: 'string' },
    entry: { type: 'array', maxItems: 1000, items: { type: 'object', properties: { resource } } },
  },
} as const;

const contextBase = { userId: shortString, patientId: fhirId, encounterId: shortString };
const contextSchemas: Readonly<Record<HookName, object>> = {
  'patient-view': { type: 'object', required: ['userId', 'patientId'], properties: contextBase },
  'order-select': {
    type: 'object',
    required: ['userId', 'patientId', 'selections', 'draftOrders'],
    properties: {
      ...contextBase,
      selections: { type: 'array', maxItems: 1000, items: shortString },
      draftOrders: bundle,
    },
  },
  'order-sign': {
    type: 'object',
    required: ['userId', 'patientId', 'draftOrders'],
    properties: { ...contextBase, draftOrders: bundle },
  },
  'medication-prescribe': {
    type: 'object',
    required: ['patientId', 'medications'],
    properties: {
      ...contextBase,
      medications: { anyOf: [bundle, { type: 'array', maxItems: 1000, items: resource }] },
    },
  },
};

function requestSchema(hook: HookName): object {
  return {
    type: 'object',
    required: ['hook', 'hookInstance', 'context'],
    properties: {
      hook: shortString,
      hookInstance: shortString,
      fhirServer: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 },
      fhirAuthorization: {
        type: 'object',
        required: ['access_token', 'token_type', 'expires_in', 'scope', 'subject'],
        properties: {
          access_token: { type: 'string', minLength: 1, maxLength: 16384 },
          token_type: { type: 'string', pattern: '^[Bb]earer$' },
          expires_in: { type: 'number', minimum: 0 },
          scope: { type: 'string', maxLength: 16384 },
          subject: { type: 'string', maxLength: 2048 },
          patient: { type: 'string', maxLength: 2048 },
        },
      },
      context: contextSchemas[hook],
      prefetch: { type: 'object', additionalProperties: { type: ['object', 'null'] } },
    },
  };
}

export type HookRequestParser = (body: unknown, expected: HookName) => HookRequest;

/** Compiles the four request schemas once; the parser throws CdsError('invalid-request' | 'wrong-hook'). */
export function createHookRequestParser(ajv: Ajv): HookRequestParser {
  const compiled = new Map<HookName, ValidateFunction<HookRequest>>();
  for (const hook of Object.keys(contextSchemas) as HookName[]) {
    compiled.set(hook, ajv.compile<HookRequest>(requestSchema(hook)));
  }
  const parse = (body: unknown, expected: HookName): HookRequest => {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new CdsError('invalid-request', 'The request body must be a JSON object (CDS Hooks 2.0 request)');
    }
    const hook = (body as { hook?: unknown }).hook;
    if (typeof hook === 'string' && hook !== expected) {
      throw new CdsError('wrong-hook', `This service answers the ${expected} hook, not "${hook.slice(0, 64)}"`, {
        issues: [{ location: '/hook', message: `/hook must be "${expected}"` }],
      });
    }
    const validate = compiled.get(expected);
    if (validate === undefined) throw new TypeError(`no schema for hook ${expected}`);
    if (!validate(body)) {
      const issues = issuesFromAjv(validate.errors);
      throw new CdsError('invalid-request', `Invalid ${expected} request: ${issues.map((i) => i.message).join('; ')}`, {
        issues,
      });
    }
    if (body.fhirAuthorization !== undefined && body.fhirServer === undefined) {
      throw new CdsError('invalid-request', 'fhirAuthorization was sent without fhirServer', {
        issues: [{ location: '/fhirServer', message: '/fhirServer is required when fhirAuthorization is sent' }],
      });
    }
    return body;
  };
  return parse;
}
