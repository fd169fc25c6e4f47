import { randomUUID } from 'node:crypto';
import express, { type Express, type RequestHandler } from 'express';
import type { Config } from './config';
import { createFhirKitRequester, type FhirRequesterFactory } from './fhir/fhir-client';
import { BOUND_DATA_KEYS } from './fhir/data-keys';
import { createAjv } from './hooks/ajv';
import { createCors } from './hooks/cors';
import { createErrorMiddleware, notFound } from './hooks/error-middleware';
import { createHookHandler, type IssuedCardsEvent } from './hooks/hook-handler';
import { createHookRequestParser } from './hooks/hook-request';
import { createRequestLog } from './hooks/request-log';
import { loadServiceDefinitions, type ServiceDefinition } from './hooks/service-definitions';
import type { Logger } from './logger';

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
  /** CDS client authentication (CDS_AUTH=required); absent: every caller is let in. */
  readonly authenticate?: RequestHandler;
  /** Which fhirServer values this request may make the service contact. */
  readonly isFhirServerAllowed?: (fhirServer: string, locals: Record<string, unknown>) => boolean;
  readonly onCardsIssued?: (event: IssuedCardsEvent) => void;
}

export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const ajv = createAjv();
  const services = deps.services ?? loadServiceDefinitions(ajv, BOUND_DATA_KEYS);
  const discovery = JSON.stringify({ services });
  const elapsed = (): number => performance.now();
  const authenticate: RequestHandler = deps.authenticate ?? ((_req, _res, next) => next());

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(createRequestLog(logger, elapsed));
  app.use(createCors(config.corsOrigins));

  app.get('/cds-services', authenticate, (_req, res) => {
    res.type('application/json').send(discovery);
  });
  app.post(
    '/cds-services/:id',
    authenticate,
    express.json({ limit: config.maxBodyBytes, type: () => true }),
    createHookHandler({
      config,
      services: new Map(services.map((service) => [service.id, service])),
      parse: createHookRequestParser(ajv),
      requesterFactory: deps.requesterFactory ?? createFhirKitRequester,
      isFhirServerAllowed: deps.isFhirServerAllowed ?? isLoopbackServer,
      clock: deps.clock ?? (() => new Date()),
      newId: deps.newId ?? randomUUID,
      elapsed,
      ...(deps.onCardsIssued ? { onCardsIssued: deps.onCardsIssued } : {}),
    }),
  );

  app.use(notFound);
  app.use(createErrorMiddleware(logger));
  return app;
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
