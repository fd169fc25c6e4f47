import winston from 'winston';
import { jsonLine } from './json-line';
import { redactSecrets } from './redact';

/**
 * Structured JSON logs. Never PHI, tokens or JWTs: callers log opaque ids, codes and timings only,
 * and the redaction format below is the safety net for anything that slips through.
 */
export type Logger = winston.Logger;

export interface LoggerOptions {
  readonly level: string;
  /** Extra transports (tests capture output this way). Defaults to stdout. */
  readonly transports?: winston.transport[];
  /** Defaults to `redactSecrets()` (src/logging/redact.ts): always on unless a test swaps it. */
  readonly redact?: winston.Logform.Format;
}

export function createLogger(options: LoggerOptions): Logger {
  const formats = [winston.format.errors({ stack: false })];
  formats.push(options.redact ?? redactSecrets());
  formats.push(jsonLine());
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(...formats),
    defaultMeta: { service: 'ln-cds-hooks' },
    transports: options.transports ?? [new winston.transports.Console()],
  });
}
