import type Ajv from 'ajv';
import type { RequestHandler } from 'express';
import type { HookRequest } from '../cds-hooks/request';
import type { AuthMode } from '../auth/client-registration';
import { isStrictAppPolicy } from '../auth/fhir-server-policy';
import { CdsError } from '../errors';
import type { FhirRequesterFactory } from '../fhir/fhir-client';
import { gatherPatientRecord } from '../fhir/gather-record';
import type { RuleCode, RuleMode } from '../logic/vocabulary/rule-codes';
import { buildTimelineView } from '../logic/timeline/timeline-view';
import type { Logger } from '../logging/logger';
import { issuesFromAjv } from './ajv';
import { fhirReadLimits, type HookSettings } from './hook-handler';
import { requestLogger } from './request-observer';

/**
 * POST /app/api/timeline: the timeline app's one data call. The app sends the FHIR server and the
 * token its SMART launch obtained; the service reads the patient's record from that server with
 * that token exactly as a patient-view hook without prefetch does (same templates, deadline, size
 * limits and sockets) and answers the view src/logic computes. PHI travels only between the FHIR
 * server, this service and the browser that holds the token.
 *
 * Authentication: the app is no CDS client and has no JWT. What protects the data is the FHIR
 * server's own authorization — without a valid token for that patient it answers 401/403, and the
 * service answers 412 — and the allowlist of FHIR servers (isAppFhirServerAllowed), so the
 * service never carries a token to a server it does not serve. In production, and wherever
 * CDS_AUTH=required, a token is required.
 */
export interface TimelineRequest {
  readonly fhirServer: string;
  readonly patientId: string;
  readonly fhirAuthorization?: {
    readonly access_token: string;
    readonly token_type: string;
    readonly scope?: string;
    readonly subject?: string;
  };
}

/** FHIR id (R4 §2.24.0.1): the patient id is put into FHIR URLs, so nothing else may pass. */
const schema = {
  type: 'object',
  required: ['fhirServer', 'patientId'],
  properties: {
    fhirServer: { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 },
    patientId: { type: 'string', pattern: '^[A-Za-z0-9\\-.]{1,64}$' },
    fhirAuthorization: {
      type: 'object',
      required: ['access_token', 'token_type'],
      properties: {
        access_token: { type: 'string', minLength: 1, maxLength: 16384 },
        token_type: { type: 'string', pattern: '^[Bb]earer$' },
        scope: { type: 'string', maxLength: 16384 },
        subject: { type: 'string', maxLength: 2048 },
      },
    },
  },
} as const;

export interface TimelineEndpointDeps {
  readonly config: HookSettings & { readonly production: boolean; readonly auth: AuthMode };
  /** The patient-view service's prefetch templates: the same queries as a hook in fallback. */
  readonly templates: Readonly<Record<string, string>>;
  readonly requesterFactory: FhirRequesterFactory;
  readonly isFhirServerAllowed: (fhirServer: string) => boolean;
  readonly clock: () => Date;
  readonly elapsed: () => number;
  readonly logger: Logger;
  /** The rule modes (CDS_RULES_FILE) for a call naming this FHIR server, read per call. */
  readonly modeOf?: (fhirServer: string) => (code: RuleCode) => RuleMode;
}

export function createTimelineEndpoint(ajv: Ajv, deps: TimelineEndpointDeps): RequestHandler {
  const validate = ajv.compile<TimelineRequest>(schema);
  return async (req, res) => {
    const body: unknown = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new CdsError('invalid-request', 'The request body must be a JSON object');
    }
    if (!validate(body)) {
      const issues = issuesFromAjv(validate.errors);
      throw new CdsError(
        'invalid-request',
        `Invalid timeline request: ${issues.map((i) => i.message).join('; ')}`,
        {
          issues,
        },
      );
    }
    if (isStrictAppPolicy(deps.config) && body.fhirAuthorization === undefined) {
      throw new CdsError(
        'fhir-authorization-required',
        'fhirAuthorization (the SMART launch access token) is required',
      );
    }
    if (!deps.isFhirServerAllowed(body.fhirServer)) {
      throw new CdsError('fhir-server-forbidden', 'The fhirServer is not one this service reads from');
    }
    const gathered = await gatherPatientRecord(asHookRequest(body), {
      hook: 'patient-view',
      templates: deps.templates,
      requesterFactory: deps.requesterFactory,
      isFhirServerAllowed: () => true,
      ...fhirReadLimits(deps.config),
      now: deps.elapsed,
    });
    if (gathered.queries.length > 0) res.locals.fhirQueries = gathered.queries;
    const { view, notes } = buildTimelineView({
      record: gathered.record,
      now: deps.clock(),
      targets: deps.config.targets,
      modeOf: deps.modeOf?.(body.fhirServer),
    });
    if (deps.logger.isDebugEnabled() && (gathered.notes.length > 0 || notes.length > 0)) {
      requestLogger(res, deps.logger).debug('timeline: left out or silent', {
        notes: [...gathered.notes, ...notes],
      });
    }
    res.json(view);
  };
}

/** The call as the patient-view hook in fallback mode that gatherPatientRecord reads. */
function asHookRequest(body: TimelineRequest): HookRequest {
  const token = body.fhirAuthorization;
  return {
    hook: 'patient-view',
    hookInstance: 'timeline',
    fhirServer: body.fhirServer,
    ...(token === undefined
      ? {}
      : {
          fhirAuthorization: {
            access_token: token.access_token,
            token_type: 'Bearer',
            expires_in: 0,
            scope: token.scope ?? '',
            subject: token.subject ?? '',
          },
        }),
    context: { patientId: body.patientId },
  };
}
