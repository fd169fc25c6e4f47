import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { Config } from './config';
import { readPackageVersion } from './config/package-version';
import { modeOf, rulesetVersion, type RuleSettings } from './config/rules-file';
import type { RuleMode } from './logic/vocabulary/rule-codes';
import { createFhirDispatcher, fhirRequesterFactory, type FhirRequesterFactory } from './fhir/fhir-client';
import { BOUND_DATA_KEYS } from './fhir/data-keys';
import type { FetchLike } from './auth/remote-key-set';
import type { ReplayCache } from './auth/replay-cache';
import { createAjv } from './hooks/ajv';
import { createClientTrust } from './hooks/client-trust';
import { createCors } from './hooks/cors';
import { createErrorMiddleware, notFound } from './hooks/error-middleware';
import { createFeedbackReportEndpoint } from './hooks/admin';
import { createAdminGuard } from './hooks/admin-guard';
import { createAuditExportEndpoint } from './hooks/audit-export';
import { createFeedbackHandler } from './hooks/feedback';
import { createQualityConsole } from './hooks/quality-console';
import { createSmartApp } from './hooks/smart-app';
import { createTimelineEndpoint } from './hooks/timeline-endpoint';
import { isAppFhirServerAllowed, registeredFhirOrigins, tenantsOfFhirServer } from './auth/fhir-server-policy';
import { createFeedbackRequestParser } from './hooks/feedback-request';
import { createMetricsEndpoint, createReadyz, healthz } from './hooks/health';
import { createHookHandler, type IssuedCardsEvent, type RuleModes } from './hooks/hook-handler';
import { createHookRequestParser } from './hooks/hook-request';
import { createRequestObserver } from './hooks/request-observer';
import { createStoreHealth } from './hooks/store-health';
import { securityHeaders } from './hooks/security-headers';
import { loadServiceDefinitions, type ServiceDefinition } from './hooks/service-definitions';
import type { Logger } from './logging/logger';
import { createMetrics, type Metrics } from './metrics';
import type { Store } from './store/store';

/**
 * Everything the app needs is passed in (STYLE.md "Config"): the shipped server passes the real
 * clock and ids; tests pass fixed ones. The app never listens by itself.
 */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  readonly requesterFactory?: FhirRequesterFactory;
  readonly services?: readonly ServiceDefinition[];
  /** CDS client authentication; absent: built from config (CDS_AUTH=required → JWT check, off → none). */
  readonly authenticate?: RequestHandler;
  /** For the built-in authentication: fetches registered jwksUrls (default: global fetch). */
  readonly jwksFetch?: FetchLike;
  /** For the built-in authentication: jti replay store (default: in-memory, one replica). */
  readonly replayCache?: ReplayCache;
  /** Which fhirServer values this request may make the service contact. */
  readonly isFhirServerAllowed?: (fhirServer: string, locals: Record<string, unknown>) => boolean;
  /** Told about every response's cards; the response waits for a returned promise. */
  readonly onCardsIssued?: (event: IssuedCardsEvent) => void | Promise<void>;
  /**
   * Durable store (src/store): feedback and the feedback report; /readyz and `cds_store_up`
   * report its state. Absent (unit tests of other layers): no feedback or admin routes, and
   * /readyz reports `store: "none"`.
   */
  readonly store?: Store;
  /** Prometheus metrics; default: a fresh registry for this app. */
  readonly metrics?: Metrics;
  /**
   * The rule settings in force, read on every hook (the server swaps them on SIGHUP); default:
   * config.ruleSettings.
   */
  readonly ruleSettings?: () => RuleSettings;
}

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const ajv = createAjv();
  const services = deps.services ?? loadServiceDefinitions(ajv, BOUND_DATA_KEYS);
  const discovery = JSON.stringify({ services });
  const elapsed = (): number => performance.now();
  // Secure by default: with CDS_AUTH=required the app authenticates even if no middleware is passed.
  const trust = createClientTrust({
    config,
    logger,
    now: deps.clock ?? (() => new Date()),
    ...(deps.jwksFetch ? { fetch: deps.jwksFetch } : {}),
    ...(deps.replayCache ? { replayCache: deps.replayCache } : {}),
  });
  // No authentication (development default): no pass-through layer on every route either.
  const authenticate = deps.authenticate ?? trust.authenticate;
  const authenticated: RequestHandler[] = authenticate ? [authenticate] : [];

  const metrics = deps.metrics ?? createMetrics();
  const onCardsIssued = (event: IssuedCardsEvent): void | Promise<void> => {
    for (const card of event.cards) metrics.cardsIssued(card.ruleCode, card.mode);
    return deps.onCardsIssued?.(event);
  };
  // package.json is read once: the rule-set version and the audit trail's service agent both name it.
  const packageVersion = readPackageVersion();
  const rules = createRuleModes(deps.ruleSettings ?? (() => config.ruleSettings), config, packageVersion);

  // One dispatcher for the hooks and the timeline app: both read the same EHRs' FHIR servers.
  const requesterFactory = deps.requesterFactory ?? fhirRequesterFactory(createFhirDispatcher(config.fhirConnections));

  const storeHealth = deps.store ? createStoreHealth({ store: deps.store, logger, metrics, now: elapsed }) : undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // What every request goes through first — request id, log line and metrics, security headers,
  // CORS — as one router layer: Express pays for each layer on every request.
  const observe = createRequestObserver({ logger, metrics, now: elapsed, headers: securityHeaders() });
  const cors = createCors(config.corsOrigins);
  app.use((req, res, next) => {
    observe(req, res, (error?: unknown) => {
      if (error === undefined) cors(req, res, next);
      else next(error);
    });
  });

  // The hook route first, so that hooks (nearly all the traffic) do not walk past the probe routes.
  app.post(
    '/cds-services/:id',
    ...authenticated,
    express.json({ limit: config.maxBodyBytes, type: () => true }),
    createHookHandler({
      config,
      services: new Map(services.map((service) => [service.id, service])),
      parse: createHookRequestParser(ajv),
      requesterFactory,
      isFhirServerAllowed: deps.isFhirServerAllowed ?? trust.isFhirServerAllowed,
      clock: deps.clock ?? (() => new Date()),
      newId: deps.newId ?? randomUUID,
      elapsed,
      logger,
      onCardsIssued,
      rules,
    }),
  );

  // Probes and scrapes carry no JWT (docs/deploy.md).
  app.get('/healthz', healthz);
  app.get('/readyz', createReadyz({ storeHealth }));
  app.get('/metrics', createMetricsEndpoint(metrics, storeHealth));
  const adminGuard = createAdminGuard(config);
  if (deps.store && storeHealth) {
    // The console's page and scripts hold no data: every number comes from /admin/feedback-report.
    // A browser cannot put a bearer token on a page load, so with CDS_ADMIN_TOKEN_SHA256 set the
    // page is served to anyone and asks for the token; without it the guard's own rule applies.
    const consoleGate: RequestHandler[] = config.adminTokenSha256 === undefined ? [adminGuard] : [];
    app.get(['/admin', '/admin/', '/admin/:asset'], ...consoleGate, createQualityConsole());
  }
  // Everything else under /admin passes the admin guard first (CDS_ADMIN_TOKEN_SHA256, else
  // loopback in development), whichever route answers it, and a missing one is a 404 only to an admin.
  app.use('/admin', adminGuard);
  if (deps.store && storeHealth) {
    app.get(
      '/admin/feedback-report',
      createFeedbackReportEndpoint({ store: deps.store, storeHealth, currentRulesetVersion: () => rules.version() }),
    );
    app.get(
      '/admin/audit',
      createAuditExportEndpoint({
        store: deps.store,
        storeHealth,
        service: { name: 'ln-cds-hooks', version: packageVersion, baseUrl: config.publicUrl },
        clock: deps.clock ?? (() => new Date()),
      }),
    );
  }

  app.get('/cds-services', ...authenticated, (_req, res) => {
    res.type('application/json').send(discovery);
  });
  if (deps.store && storeHealth) {
    app.post(
      '/cds-services/:id/feedback',
      ...authenticated,
      express.json({ limit: config.maxBodyBytes, type: () => true }),
      createFeedbackHandler({
        serviceIds: new Set(services.map((service) => service.id)),
        parse: createFeedbackRequestParser(ajv),
        store: deps.store,
        storeHealth,
        metrics,
        logger,
      }),
    );
  }

  // The timeline SMART app (docs/app.md): static page, then its one data call.
  app.get(
    ['/app', '/app/', '/app/:asset'],
    createSmartApp({
      production: config.production,
      clientId: config.smartClientId,
      connectOrigins: [...registeredFhirOrigins(config.clients), ...config.appConnectSrc],
      frameAncestors: config.appFrameAncestors,
    }),
  );
  const patientView = services.find((service) => service.hook === 'patient-view');
  if (patientView !== undefined) {
    app.post(
      '/app/api/timeline',
      express.json({ limit: '64kb', type: () => true }),
      createTimelineEndpoint(ajv, {
        config,
        templates: patientView.prefetch,
        requesterFactory,
        isFhirServerAllowed: (fhirServer) => isAppFhirServerAllowed(fhirServer, config),
        clock: deps.clock ?? (() => new Date()),
        elapsed,
        logger,
        // The app's findings are the cards its EHR was shown: that EHR's tenant's modes, the
        // strictest of them when tenants share the FHIR server.
        modeOf: (fhirServer) => {
          const modes = tenantsOfFhirServer(fhirServer, config.clients).map((tenant) => rules.modeFor(tenant));
          return (code) => strictestMode(modes.map((mode) => mode(code)));
        },
      }),
    );
  }

  app.use(notFound);
  app.use(createErrorMiddleware(logger));
  return app;
}

/** `off` over `shadow` over `active`: a rule shows its finding only where every mode lets it. */
function strictestMode(modes: readonly RuleMode[]): RuleMode {
  if (modes.includes('off')) return 'off';
  return modes.includes('shadow') ? 'shadow' : 'active';
}

/** Modes and rule-set version from the settings in force; the version is recomputed only when they change. */
function createRuleModes(current: () => RuleSettings, config: Config, packageVersion: string): RuleModes {
  let versionOf: { settings: RuleSettings; version: string } | undefined;
  return {
    modeFor(tenant) {
      const settings = current();
      return (code) => modeOf(settings, tenant, code);
    },
    version() {
      const settings = current();
      if (versionOf?.settings !== settings) {
        versionOf = { settings, version: rulesetVersion(packageVersion, config.targets, settings) };
      }
      return versionOf.version;
    },
  };
}

/** Development default without authentication: only FHIR servers on this machine. */
export function isLoopbackServer(fhirServer: string): boolean {
  try {
    const { hostname } = new URL(fhirServer);
    return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
  } catch {
    return false;
  }
}
