import type { Request, Response } from 'express';
import { scopeAllows, type SmartGrants, type TokenGrant } from './smart-auth-grants';

/**
 * The FHIR side of the demo SMART authorization server: reads and searches forwarded to the open
 * FHIR server behind it, for a bearer token it issued, inside that token's patient compartment
 * and its granted `patient/*` scopes. Development only — enough to behave like a secured EHR FHIR
 * endpoint towards an app (401 without a token, 403 outside the grant), not an access-control
 * implementation: it checks the request's patient parameter and a read resource's subject.
 */
interface ProxyOptions {
  readonly upstream: string;
  readonly fhirBaseUrl: string;
  readonly grants: SmartGrants;
}

function outcome(res: Response, status: number, code: string, text: string): void {
  res
    .status(status)
    .type('application/fhir+json')
    .send(
      JSON.stringify({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code, details: { text } }],
      }),
    );
}

/** The references a search or resource may carry to name its patient. */
function namesPatient(value: unknown, patient: string): boolean {
  return value === patient || value === `Patient/${patient}`;
}

/** Searches must be scoped to the token's patient (FHIR R4 §3.1.0.1.5 patient compartment). */
function searchStaysInCompartment(type: string, params: URLSearchParams, patient: string): boolean {
  if (type === 'Patient')
    return params.getAll('_id').length === 1 && namesPatient(params.get('_id'), patient);
  const named = [...params.getAll('patient'), ...params.getAll('subject')];
  return named.length > 0 && named.every((value) => namesPatient(value, patient));
}

/** A read resource is in the compartment when its subject or patient is the token's patient;
 *  resources outside every patient compartment (Medication) carry neither and may be read. */
function resourceInCompartment(resource: unknown, patient: string): boolean {
  if (typeof resource !== 'object' || resource === null) return false;
  const record = resource as {
    resourceType?: unknown;
    id?: unknown;
    subject?: { reference?: unknown };
    patient?: { reference?: unknown };
  };
  if (record.resourceType === 'Patient') return record.id === patient;
  const reference = record.subject?.reference ?? record.patient?.reference;
  return reference === undefined || namesPatient(reference, patient);
}

function bearerGrant(req: Request, grants: SmartGrants): TokenGrant | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1] === undefined ? undefined : grants.findToken(match[1]);
}

export async function proxyFhirRequest(req: Request, res: Response, options: ProxyOptions): Promise<void> {
  const path = req.path.slice('/fhir'.length);
  const grant = bearerGrant(req, options.grants);
  if (grant === undefined) {
    res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    outcome(res, 401, 'login', 'a bearer token issued by this server is required');
    return;
  }
  const segments = path.split('/').filter((segment) => segment !== '');
  const [type, second, ...rest] = segments;
  const isSearch =
    (req.method === 'GET' && second === undefined) ||
    (req.method === 'POST' && second === '_search' && rest.length === 0);
  const isRead = req.method === 'GET' && second !== undefined && second !== '_search' && rest.length === 0;
  if (type === undefined || !/^[A-Z][A-Za-z]+$/.test(type) || (!isSearch && !isRead)) {
    outcome(res, 403, 'forbidden', 'only patient-level reads and searches are allowed');
    return;
  }
  if (!scopeAllows(grant.scope, type, isSearch ? 's' : 'r')) {
    outcome(
      res,
      403,
      'forbidden',
      `the token's scope does not cover ${isSearch ? 'searching' : 'reading'} ${type}`,
    );
    return;
  }
  const params = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
  if (isSearch) {
    if (req.method === 'POST' && typeof req.body === 'object' && req.body !== null) {
      for (const [name, value] of Object.entries(req.body as Record<string, unknown>))
        if (typeof value === 'string') params.append(name, value);
    }
    if (!searchStaysInCompartment(type, params, grant.patient)) {
      outcome(
        res,
        403,
        'forbidden',
        "searches must name the launch's patient (patient=, subject= or Patient?_id=)",
      );
      return;
    }
    await forward(res, `${options.upstream}/${type}?${params.toString()}`);
    return;
  }
  await forward(res, `${options.upstream}/${type}/${encodeURIComponent(second ?? '')}`, (resource) =>
    resourceInCompartment(resource, grant.patient),
  );
}

async function forward(res: Response, url: string, allow?: (resource: unknown) => boolean): Promise<void> {
  let upstream: globalThis.Response;
  try {
    upstream = await fetch(url, {
      headers: { Accept: 'application/fhir+json' },
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    outcome(res, 502, 'transient', 'the FHIR server behind this demo server did not answer');
    return;
  }
  const text = await upstream.text();
  if (allow !== undefined && upstream.ok && !allow(JSON.parse(text) as unknown)) {
    outcome(res, 403, 'forbidden', "the resource is outside the launch's patient compartment");
    return;
  }
  res
    .status(upstream.status)
    .type(upstream.headers.get('content-type') ?? 'application/fhir+json')
    .send(text);
}
