import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { CdsError } from '../errors';
import { parseReportQuery } from '../store/report-query';
import type { Store } from '../store/store';
import { callStore, type StoreHealth } from './store-health';

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (how a dual-stack socket reports 127.0.0.1). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const unmapped = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (unmapped === '::1') return true;
  return isIP(unmapped) === 4 && unmapped.startsWith('127.');
}

/**
 * Headers a reverse proxy adds: RFC 7239 `Forwarded`, the de facto `X-Forwarded-*`, nginx's
 * `X-Real-IP` and RFC 9110 `Via`. A request carrying any of them came through a proxy, and the
 * proxy's loopback address says nothing about the caller behind it.
 */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-real-ip', 'via'];

/**
 * Without CDS_ADMIN_TOKEN_SHA256, admin routes answer in development only callers on this machine
 * (admin-guard.ts): the TCP peer must be loopback and the request must carry no proxy header. A
 * reverse proxy on the same host that adds none of those headers (nginx's `proxy_pass` and
 * HAProxy add none by default) cannot be told from a local caller, so without a token the admin
 * routes must never be proxied (docs/security.md "Administration routes").
 */
export function isLocalAdminRequest(req: Request): boolean {
  if (PROXY_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
  return isLoopbackAddress(req.socket.remoteAddress);
}

/**
 * GET /admin/feedback-report[?since=&until=&tenant=] (behind the admin guard): the per-rule
 * feedback report as JSON, for the quality console and `npm run feedback-report` while the
 * service runs (embedded PGlite allows one connection per data directory, so the script must ask
 * the process that holds it). No PHI: rule codes, coded reasons, counts and rule-set versions.
 */
export function createFeedbackReportEndpoint(deps: {
  readonly store: Pick<Store, 'feedbackReport'>;
  readonly storeHealth: StoreHealth;
  /** The rule-set version in force now (it changes on SIGHUP). */
  readonly currentRulesetVersion?: () => string;
}): RequestHandler {
  return async (req, res) => {
    const params = req.query as Record<string, unknown>;
    const query = parseReportQuery({ since: params.since, until: params.until, tenant: params.tenant });
    if (typeof query === 'string') throw new CdsError('invalid-request', query);
    const report = await callStore(
      deps.storeHealth,
      () => deps.store.feedbackReport(query),
      'The store cannot be reached; ask for the report again later',
    );
    const current = deps.currentRulesetVersion?.();
    res.set('Cache-Control', 'no-store').json(current === undefined ? report : { ...report, currentRulesetVersion: current });
  };
}
