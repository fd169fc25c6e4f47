import { randomUUID } from 'node:crypto';
import winston from 'winston';
import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../src/app';
import { loadConfig, type Env } from '../../src/config';
import { createLogger } from '../../src/logging/logger';

/** Log lines written during a test, parsed (the app's real JSON logger into memory). */
export interface CapturedLog {
  readonly lines: Record<string, unknown>[];
  readonly raw: () => string;
}

export function captureLogger(level = 'debug'): { logger: ReturnType<typeof createLogger>; log: CapturedLog } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level, transports: [new winston.transports.Stream({ stream })] });
  return {
    logger,
    log: {
      get lines() {
        return chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
      },
      raw: () => chunks.join(''),
    },
  };
}

/** createApp with a fixed clock and predictable-but-valid ids, as the shipped server never has. */
export function buildTestApp(options: { now: string | Date; env?: Env } & Partial<AppDeps>) {
  const { now: nowOption, env, ...deps } = options;
  const { logger, log } = captureLogger();
  const config = loadConfig({ ...env });
  const now = new Date(nowOption);
  const app = createApp({ config, logger, clock: () => now, newId: randomUUID, ...deps });
  return { app, log, config };
}
