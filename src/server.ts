import { ConfigError } from './errors';
import { loadConfig, tenantsOf } from './config';
import { loadClientsFile } from './config/clients-file';
import { loadTargetsFile } from './config/targets-file';
import { loadRulesFile, type RuleSettings } from './config/rules-file';
import { createLogger } from './logging/logger';
import { openStore } from './store/open-store';
import type { Store } from './store/store';

/** The shipped entry point: real clock, real ids, listens, stops cleanly on SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, { loadClients: loadClientsFile, loadTargets: loadTargetsFile, loadRules: loadRulesFile });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ln-cds-hooks: configuration error: ${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.auth === 'off') {
    logger.warn('CDS_AUTH=off: any caller is accepted. For development only; production requires CDS client JWTs.');
  }
  const now = (): Date => new Date();
  // Migrations run here, before the first request (docs/deploy.md). The store starts opening
  // before the HTTP application's modules load, so that PGlite opens on its own worker thread (or
  // PostgreSQL connects) during the ~0.2 s this thread spends loading them. One turn of the event
  // loop lets it take the data directory's lock and start its worker first: the loading is
  // synchronous and holds this thread.
  const opening = openStore({
    ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
    pgliteDataDir: config.dataDir,
    now,
    syncCommits: config.issuedCards === 'durable',
    onBackgroundError: (error) => logger.error('database connection error', { errorName: error.name, errorMessage: error.message }),
  });
  opening.catch(() => undefined); // reported where it is awaited, below
  await new Promise((resolve) => setImmediate(resolve));
  const { createApp } = await import('./app');
  const { createHttpServer } = await import('./hooks/http-server');
  const { createMetrics } = await import('./metrics');
  const { startAuditRetention } = await import('./store/audit-retention');
  const { createIssuedCardRecorder } = await import('./store/issued-card-recorder');
  const { createReplayCacheFor } = await import('./auth/shared-replay-cache');
  let store: Store;
  try {
    store = await opening;
  } catch (error) {
    process.stderr.write(`ln-cds-hooks: cannot open the store: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const metrics = createMetrics({ collectDefaults: true });
  const recorder = createIssuedCardRecorder({ store, logger, metrics, mode: config.issuedCards });
  const replayCache = createReplayCacheFor({ store, now, logger, metrics });
  try {
    // The jtis accepted before the last stop: serving without them would accept each token again.
    await replayCache.ready;
  } catch (error) {
    process.stderr.write(`ln-cds-hooks: cannot load the JWT replay cache from the store: ${error instanceof Error ? error.message : String(error)}\n`);
    await store.close().catch(() => undefined);
    process.exit(1);
  }
  // Off the request path: the first run on years of rows must not delay listening.
  const retention = startAuditRetention({ store, logger, retentionDays: config.auditRetentionDays, now });
  let ruleSettings: RuleSettings = config.ruleSettings;
  const app = createApp({
    config,
    logger,
    store,
    metrics,
    replayCache,
    onCardsIssued: (event) => recorder.record(event),
    ruleSettings: () => ruleSettings,
  });
  const rulesFile = config.rulesFile;
  // SIGHUP re-reads CDS_RULES_FILE (docs/governance.md): a file that fails validation changes
  // nothing, and says why. Targets and clients need a restart.
  process.on('SIGHUP', () => {
    if (rulesFile === undefined) {
      logger.warn('SIGHUP: no CDS_RULES_FILE to reload; every rule stays active');
      return;
    }
    try {
      ruleSettings = loadRulesFile(rulesFile, { knownTenants: tenantsOf(config.clients) });
      logger.info('rule settings reloaded', { rulesFile, settingsHash: ruleSettings.hash });
    } catch (error) {
      logger.error('rule settings not reloaded; the previous settings stay in force', {
        rulesFile,
        errorMessage: error instanceof Error ? error.message : String(error),
      });
    }
  });
  // Node's own limits (300 s for a request, no cap on connections) would let a slow client hold
  // a connection for minutes: docs/deploy.md "Timeouts and connections".
  const server = createHttpServer(app, config, metrics);
  server.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    logger.info('listening', {
      discovery: `http://${shown}:${port}/cds-services`,
      auth: config.auth,
      publicUrl: config.publicUrl,
      store: `${store.description.kind} (${store.description.location})`,
      issuedCards: config.issuedCards,
      adminRoutes: config.adminTokenSha256 !== undefined ? 'token' : config.production ? 'closed' : 'loopback',
      auditRetentionDays: config.auditRetentionDays,
    });
  });
  // A port already taken (EADDRINUSE) or not ours to bind (EACCES) is a failed start, not a quiet
  // exit 0 after "listening" was never true.
  server.once('error', (error: NodeJS.ErrnoException) => {
    process.stderr.write(`ln-cds-hooks: cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}\n`);
    void Promise.all([recorder.close(), replayCache.close(), retention.close()]).then(() => store.close()).finally(() => process.exit(1));
  });

  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    // Stop accepting, let in-flight requests finish, write queued issued cards and accepted jtis,
    // close the store, then exit; give up after 10 s.
    server.close(() => {
      void Promise.all([recorder.close(), replayCache.close(), retention.close()])
        .then(() => store.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            logger.error('store not closed cleanly', { errorName: error instanceof Error ? error.name : typeof error });
            process.exit(1);
          },
        );
    });
    // close() only drops connections idle right now; a keep-alive connection whose in-flight
    // request finishes later would hold the server open until the forced exit, so keep sweeping.
    server.closeIdleConnections();
    setInterval(() => server.closeIdleConnections(), 100).unref();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { errorName: reason instanceof Error ? reason.name : typeof reason });
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`ln-cds-hooks: start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
