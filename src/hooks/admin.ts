import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { CdsError } from '../errors';
import type { Store } from '../store/store';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (how a dual-stack socket reports 127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const unmapped = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (unmapped === '::1') return true;
  return isIP(unmapped) === 4 && unmapped.startsWith('127.');
}

/**
 * Admin routes answer only callers on this machine: the TCP peer must be loopback and the request
 * must not have come through a proxy (a reverse proxy on the same host would otherwise make any
 * remote caller look local). Anyone else gets the same 404 as for a route that does not exist.
 */
export function isLocalAdminRequest(req: Request): boolean {
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !proxied && isLoopbackAddress(req.socket.remoteAddress);
}

/**
 * GET /admin/feedback-report: the per-rule feedback report as JSON, for `npm run feedback-report`
 * while the service runs (embedded PGlite allows one connection per data directory, so the
 * script must ask the process that holds it). No PHI: rule codes, coded reasons and counts.
 */
export function createFeedbackReportEndpoint(deps: {
  readonly store: Pick<Store, 'feedbackReport'>;
}): RequestHandler {
  return async (req, res) => {
    if (!isLocalAdminRequest(req)) {
      throw new CdsError('not-found', `No route for ${req.method} ${req.path.slice(0, 200)}`);
    }
    const report = await deps.store.feedbackReport();
    res.set('Cache-Control', 'no-store').json(report);
  };
}
