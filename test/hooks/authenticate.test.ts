import type { NextFunction, Request, Response } from 'express';
import type { AuthenticatedClient, JwtVerifier } from '../../src/auth/jwt-verifier';
import { CdsError } from '../../src/errors';
import { createAuthenticate } from '../../src/hooks/authenticate';
import { captureLogger } from '../support/test-app';

// The bearer check in front of every hook: what it leaves on the request, and what it logs.
const EHR: AuthenticatedClient = Object.freeze({ iss: 'https://ehr.example.org', fhirServers: [] });

function callOnce(
  verifier: JwtVerifier,
): Promise<{
  locals: Record<string, unknown>;
  error: unknown;
  log: ReturnType<typeof captureLogger>['log'];
  childLoggers: number;
}> {
  const { logger, log } = captureLogger();
  const child = jest.spyOn(logger, 'child');
  const authenticate = createAuthenticate({ verifier, logger });
  const locals: Record<string, unknown> = { requestId: 'req-1' };
  const req = {
    method: 'POST',
    headers: { authorization: 'Bearer eyJ.e30.sig' },
    originalUrl: '/cds-services/ln-patient-view',
  };
  return new Promise((resolve) => {
    const next: NextFunction = (error?: unknown) =>
      resolve({ locals, error, log, childLoggers: child.mock.calls.length });
    void authenticate(req as unknown as Request, { locals } as unknown as Response, next);
  });
}

describe('a hook call with a bearer JWT', () => {
  it('carries the EHR as the authenticated client once its token checks out, and makes no per-request logger', async () => {
    const outcome = await callOnce({ verify: () => Promise.resolve(EHR) });
    expect(outcome.error).toBeUndefined();
    expect(outcome.locals.cdsClient).toBe(EHR);
    // An accepted call logs nothing here; winston's child logger would cost an object per hook.
    expect(outcome.childLoggers).toBe(0);
    expect(outcome.locals.logger).toBeUndefined();
  });

  it('is refused with one warn line carrying the request id and the reason, never the token', async () => {
    const refusal = new CdsError('unauthorized', 'CDS client JWT refused: jti replayed');
    const outcome = await callOnce({ verify: () => Promise.reject(refusal) });
    expect(outcome.error).toBe(refusal);
    expect(outcome.log.lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'CDS client not authenticated',
        requestId: 'req-1',
        reason: refusal.message,
      }),
    ]);
    expect(outcome.log.raw()).not.toContain('eyJ.e30.sig');
  });
});
