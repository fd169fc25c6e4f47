import type { RequestHandler } from 'express';
import type { AuthenticatedClient, JwtVerifier } from '../auth/jwt-verifier';
import { CdsError, isCdsError } from '../errors';
import type { Logger } from '../logging/logger';
import { requestLogger } from './request-observer';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      /** Set by `authenticate` once the caller's JWT checks out (CDS_AUTH=required). */
      cdsClient?: AuthenticatedClient;
    }
  }
}

export interface AuthenticateDeps {
  readonly verifier: JwtVerifier;
  readonly logger: Logger;
}

/**
 * CDS Hooks 2.0 "Trusting CDS Clients": "the request MUST include an Authorization header
 * presenting the JWT as a 'Bearer' token … for every single CDS Service call, whether that be a
 * Discovery call, a single CDS Service invocation, or multiple exchanges relating to a single
 * service". Mount it on discovery, hook and feedback routes only: CORS preflights (`OPTIONS`, which
 * browsers send without credentials) and health checks stay open. A refusal is a 401 with an
 * empty body (service-contract.md) and one warn line naming the reason, never the token.
 */
export function createAuthenticate(deps: AuthenticateDeps): RequestHandler {
  return async (req, res, next) => {
    if (req.method === 'OPTIONS') {
      next();
      return;
    }
    try {
      const token = readBearerToken(req.headers.authorization);
      // `aud` is the exact URL called: the path as received (not normalised), without the query.
      const path = req.originalUrl.split('?', 1)[0] ?? '';
      res.locals.cdsClient = await deps.verifier.verify(token, path);
      next();
    } catch (error) {
      const refusal = isCdsError(error) ? error : new CdsError('unauthorized', 'CDS client JWT refused: verification failed');
      // The request's child logger only when there is a line to write: an accepted call logs none.
      requestLogger(res, deps.logger).warn('CDS client not authenticated', { reason: refusal.message });
      next(refusal);
    }
  };
}

/** RFC 6750 §2.1 `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235 §2.1). */
function readBearerToken(header: string | undefined): string {
  if (header === undefined) throw new CdsError('unauthorized', 'CDS client JWT refused: no Authorization header');
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i.exec(header);
  if (!match?.[1]) throw new CdsError('unauthorized', 'CDS client JWT refused: Authorization is not a Bearer token');
  return match[1];
}

/** The authenticated client of this request, if any (for the FHIR server policy). */
export function authenticatedClientOf(locals: Record<string, unknown>): AuthenticatedClient | undefined {
  const client = locals.cdsClient;
  return isAuthenticatedClient(client) ? client : undefined;
}

function isAuthenticatedClient(value: unknown): value is AuthenticatedClient {
  return (
    typeof value === 'object' &&
    value !== null &&
    'iss' in value &&
    typeof value.iss === 'string' &&
    'fhirServers' in value &&
    Array.isArray(value.fhirServers)
  );
}
