import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { CdsError } from '../errors';
import { isLocalAdminRequest } from './admin';

/** What the guard needs of the configuration (service-contract.md "Rule settings and administration"). */
export interface AdminGuardSettings {
  readonly production: boolean;
  /** CDS_ADMIN_TOKEN_SHA256, lower-case hex (src/config validates it). */
  readonly adminTokenSha256?: string | undefined;
}

/** RFC 6750 §2.1 `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235 §2.1). */
const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * The one gate in front of every /admin route (docs/security.md "Administration routes").
 *
 * - CDS_ADMIN_TOKEN_SHA256 set: `Authorization: Bearer <token>` whose SHA-256 is that digest, from
 *   any address; none → 401 with a Bearer challenge, another → 403. A CDS client's hook JWT is
 *   just another wrong token: the routes stay closed to CDS clients.
 * - Unset, development: callers on this machine, not through a proxy (isLocalAdminRequest).
 * - Unset, production: nobody (403): an operator must choose a token to open them.
 *
 * The presented token is hashed and the digests compared in constant time, so the answer time
 * says nothing about how much of a guess was right. Neither the token nor its digest is logged.
 */
export function createAdminGuard(settings: AdminGuardSettings): RequestHandler {
  const expected = settings.adminTokenSha256 === undefined ? undefined : Buffer.from(settings.adminTokenSha256, 'hex');
  return (req, _res, next) => {
    if (expected !== undefined) {
      const token = BEARER.exec(req.headers.authorization ?? '')?.[1];
      if (token === undefined) {
        throw new CdsError('admin-token-required', 'The administration routes need Authorization: Bearer <administration token>');
      }
      const presented = createHash('sha256').update(token, 'utf8').digest();
      if (!timingSafeEqual(presented, expected)) {
        throw new CdsError('admin-forbidden', 'The bearer token is not the administration token');
      }
      next();
      return;
    }
    if (settings.production) {
      throw new CdsError(
        'admin-forbidden',
        'The administration routes are closed: set CDS_ADMIN_TOKEN_SHA256 to open them (docs/security.md)',
      );
    }
    if (!isLocalAdminRequest(req)) {
      throw new CdsError(
        'admin-forbidden',
        'Without CDS_ADMIN_TOKEN_SHA256 the administration routes answer only callers on this machine, not through a proxy',
      );
    }
    next();
  };
}
