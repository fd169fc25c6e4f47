import winston from 'winston';

/**
 * Log safety net (docs/security.md, "What is logged"): callers log opaque ids, codes and timings
 * only; this format catches what slips through before it is serialised. It never mutates the
 * caller's objects.
 *
 * - Credentials by key: `authorization` headers, OAuth tokens (`access_token` and friends),
 *   `fhirAuthorization`, cookies.
 * - Patient data by key: FHIR resource bodies (`resource`, `entry`, `prefetch`, request `body`, …)
 *   and HumanName / demographic elements (`given`, `family`, `birthDate`, …; `name` when it is not a
 *   plain string, as a FHIR `HumanName[]` never is; likewise `address`, `telecom`).
 * - By shape, in any string anywhere: JWTs (a JOSE header always starts `eyJ`, base64url of `{"`)
 *   and `Bearer <token>`.
 */
export const REDACTED = '[REDACTED]';

const SECRET_KEYS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'access_token',
  'refresh_token',
  'id_token',
  'client_secret',
  'password',
  'fhirauthorization',
  'jwt',
  'token',
]);

const PATIENT_DATA_KEYS = new Set([
  'resource',
  'entry',
  'contained',
  'prefetch',
  'draftorders',
  'body',
  'given',
  'family',
  'birthdate',
  'identifier',
]);

/** FHIR HumanName[], Address[], ContactPoint[]: redacted unless a plain string (a host address, a service name). */
const STRUCTURED_PATIENT_DATA_KEYS = new Set(['name', 'address', 'telecom']);

/** JWS/JWE compact serialisations (3 or 5 dot-separated base64url segments after an `eyJ` header). */
const JWT_PATTERN = /eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){2,4}/g;
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

const MAX_DEPTH = 12;

/** What every match of BEARER_PATTERN starts with; a cheap test before the replacing one. */
const AUTH_SCHEME = /\b(?:Bearer|Basic)\s/i;

export function redactString(value: string): string {
  // Most strings (ids, codes, routes, timestamps) hold neither a JOSE header nor an auth scheme:
  // return them without the two global replaces, which would otherwise run on every field of
  // every log line.
  if (!value.includes('eyJ') && !AUTH_SCHEME.test(value)) return value;
  return value.replace(JWT_PATTERN, REDACTED).replace(BEARER_PATTERN, `$1 ${REDACTED}`);
}

/** A redacted copy of any loggable value (plain objects, arrays, Errors, primitives). */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Truncated]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    if (value instanceof Error) {
      return {
        name: value.name,
        message: redactString(value.message),
        ...(value.stack === undefined ? {} : { stack: redactString(value.stack) }),
      };
    }
    if (value instanceof Date) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      copy[key] = redactEntry(key, item, depth, seen);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function redactEntry(key: string, item: unknown, depth: number, seen: WeakSet<object>): unknown {
  const lower = key.toLowerCase();
  if (item === undefined || item === null) return item;
  if (SECRET_KEYS.has(lower) || PATIENT_DATA_KEYS.has(lower)) return REDACTED;
  if (STRUCTURED_PATIENT_DATA_KEYS.has(lower) && typeof item !== 'string') return REDACTED;
  return redactValue(item, depth + 1, seen);
}

const SPLAT = Symbol.for('splat');

/**
 * The winston format; put it before `format.json()`. Exported under the name the logger expects
 * (`createLogger({ redact: redactSecrets() })`).
 */
export const redactSecrets = winston.format((info) => {
  // One cycle guard for the whole entry (redactValue removes what it adds as it returns): every
  // request writes a line, so no allocation per field.
  const seen = new WeakSet<object>();
  for (const key of Object.keys(info)) {
    // `level` is winston's own; everything else, `message` included, may carry caller data.
    if (key === 'level') continue;
    info[key] = redactEntry(key, info[key], 0, seen);
  }
  const splat: unknown = (info as Record<symbol, unknown>)[SPLAT];
  if (Array.isArray(splat)) (info as Record<symbol, unknown>)[SPLAT] = redactValue(splat);
  return info;
});
