import { createApp } from './app';
import { loadClientsFile } from './auth/clients-file';
import { ConfigError, loadConfig } from './config';
import { loadTargetsFile } from './config/targets-file';
import { createLogger } from './logger';

/** The shipped entry point: real clock, real ids, listens, stops cleanly on SIGTERM. */
function main(): void {
  let config;
  try {
    config = loadConfig(process.env, { loadClients: loadClientsFile, loadTargets: loadTargetsFile });
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
  const app = createApp({ config, logger });
  const server = app.listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.port;
    const shown = config.host === '0.0.0.0' ? 'localhost' : config.host;
    logger.info('listening', {
      discovery: `http://${shown}:${port}/cds-services`,
      auth: config.auth,
      publicUrl: config.publicUrl,
    });
  });
  server.keepAliveTimeout = 65_000;

  const stop = (signal: string): void => {
    logger.info('stopping', { signal });
    // Stop accepting, let in-flight requests finish, then exit; give up after 10 s.
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled rejection', { errorName: reason instanceof Error ? reason.name : typeof reason });
  });
}

main();
