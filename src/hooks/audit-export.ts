import type { Request, RequestHandler } from 'express';
import { CdsError } from '../errors';
import { AUDIT_EXPORT_MAX_ENTRIES, buildAuditBundle, type AuditService } from '../store/audit-bundle';
import { parseAuditPeriod } from '../store/audit-period';
import type { Store } from '../store/store';
import { callStore, type StoreHealth } from './store-health';

/**
 * GET /admin/audit?since=<instant>&until=<instant>[&after=<uuid>]: the audit trail of the period
 * as a FHIR R4 `collection` Bundle of AuditEvents (src/store/audit-bundle.ts), at most
 * AUDIT_EXPORT_MAX_ENTRIES per answer, the rest behind the Bundle's `next` link. Admin-only (the
 * guard in front of /admin): it holds patient and user references.
 */
export function createAuditExportEndpoint(deps: {
  readonly store: Pick<Store, 'auditTrail'>;
  readonly storeHealth: StoreHealth;
  readonly service: AuditService;
  readonly clock: () => Date;
}): RequestHandler {
  return async (req, res) => {
    const page = parseAuditPeriod({ since: param(req, 'since'), until: param(req, 'until'), after: param(req, 'after') });
    if (typeof page === 'string') throw new CdsError('invalid-request', page);
    const cards = await callStore(
      deps.storeHealth,
      () => deps.store.auditTrail({ ...page, limit: AUDIT_EXPORT_MAX_ENTRIES + 1 }),
      'The store cannot be reached; ask for the audit export again later',
    );
    const bundle = buildAuditBundle({ cards, page, service: deps.service, generatedAt: deps.clock() });
    res.set('Cache-Control', 'no-store').type('application/fhir+json').send(JSON.stringify(bundle));
  };
}

/** One query parameter; a repeated one is a mistake, not a choice between values. */
function param(req: Request, name: string): string | undefined {
  const value: unknown = req.query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new CdsError('invalid-request', `${name} was given more than once`);
}
