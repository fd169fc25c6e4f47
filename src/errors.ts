/**
 * Every error the service throws on purpose derives from `ServiceError`, here (after panva/jose:
 * one base class, each kind with a stable `code`). `CdsError` is what a request gets answered
 * with: `statusForCode` maps its code to the HTTP status in this one place, and one middleware
 * writes every error response. The others say what went wrong below the HTTP layer (a setting, a
 * FHIR query, the store) and are turned into a `CdsError` or a start-up message where they land.
 * Caller mistakes (a wrong argument) stay `TypeError`s.
 */
export abstract class ServiceError extends Error {
  abstract readonly code: string;
}

export type CdsErrorCode =
  | 'invalid-json'
  | 'invalid-request'
  | 'wrong-hook'
  | 'unknown-service'
  | 'not-found'
  | 'method-not-allowed'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'unauthorized'
  | 'admin-token-required'
  | 'admin-forbidden'
  | 'fhir-authorization-required'
  | 'fhir-server-forbidden'
  | 'data-unavailable'
  | 'fhir-server-not-allowed'
  | 'deadline-exceeded'
  | 'store-unavailable'
  | 'internal';

/** One problem found in the request, for the OperationOutcome. */
export interface Issue {
  /** JSON pointer-ish location in the request body, e.g. `/context/patientId`. */
  readonly location?: string;
  readonly message: string;
}

export class CdsError extends ServiceError {
  override readonly name = 'CdsError';

  constructor(
    readonly code: CdsErrorCode,
    message: string,
    options: { cause?: unknown; issues?: readonly Issue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = options.issues ?? [];
  }

  readonly issues: readonly Issue[];
}

/** service-contract.md "HTTP status": the single code → status mapping. */
export function statusForCode(code: CdsErrorCode): number {
  switch (code) {
    case 'invalid-json':
    case 'invalid-request':
    case 'wrong-hook':
      return 400;
    case 'unauthorized':
    case 'admin-token-required':
    case 'fhir-authorization-required':
      return 401;
    case 'admin-forbidden':
    case 'fhir-server-forbidden':
      return 403;
    case 'unknown-service':
    case 'not-found':
      return 404;
    case 'method-not-allowed':
      return 405;
    case 'payload-too-large':
      return 413;
    case 'unsupported-media-type':
      return 415;
    case 'data-unavailable':
    case 'fhir-server-not-allowed':
    case 'deadline-exceeded':
      return 412;
    case 'internal':
      return 500;
    case 'store-unavailable':
      return 503;
  }
}

export function isCdsError(error: unknown): error is CdsError {
  return error instanceof CdsError;
}

/** A setting or settings file that cannot be used; start-up stops with the message, which names it. */
export class ConfigError extends ServiceError {
  override readonly name = 'ConfigError';
  readonly code = 'config-invalid';
}

/**
 * How a FHIR query failed. `redirect`: the server answered 3xx, which is never followed;
 * `too-large`: an answer, or all of one hook's answers, passed the size limit.
 */
export type FhirQueryFailure =
  'http-status' | 'redirect' | 'too-large' | 'timeout' | 'aborted' | 'network' | 'bad-response';

/** One FHIR query that gave no usable answer; `failure` says how (the hook then answers 412). */
export class FhirQueryError extends ServiceError {
  override readonly name = 'FhirQueryError';
  readonly code = 'fhir-query-failed';

  constructor(
    readonly failure: FhirQueryFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** A statement the embedded store refused; `sqlState` is PostgreSQL's SQLSTATE when it gave one. */
export class PgliteError extends ServiceError {
  readonly code = 'store-statement-failed';
  readonly sqlState?: string;

  constructor(error: { readonly name: string; readonly message: string; readonly code?: string }) {
    super(error.message);
    this.name = error.name;
    if (error.code !== undefined) this.sqlState = error.code;
  }
}

/**
 * Another live process holds the embedded store's data directory (the operating-system lock on
 * `lockPath`). `holder` is what that process wrote into the lock file (pid, host, since), when
 * it could be read; `given` is the path as configured, when a symbolic link led to `dataDir`.
 */
export class DataDirLockedError extends ServiceError {
  override readonly name = 'DataDirLockedError';
  readonly code = 'data-dir-locked';

  constructor(
    readonly dataDir: string,
    readonly lockPath: string,
    readonly holder: string | undefined,
    readonly given?: string,
  ) {
    super(
      `the PGlite data directory ${dataDir}${given === undefined ? '' : ` (reached through ${given})`} ` +
        `is in use by another running process${holder === undefined ? '' : ` (${holder})`}: PGlite serves ` +
        `one process per directory. Stop that process, or ask it (GET /admin/feedback-report). Lock: ${lockPath}`,
    );
  }
}

/** The embedded store's data directory cannot be locked (a file system without file locks). */
export class DataDirLockFailedError extends ServiceError {
  override readonly name = 'DataDirLockFailedError';
  readonly code = 'data-dir-lock-failed';

  constructor(
    readonly lockPath: string,
    cause: unknown,
  ) {
    const reason =
      cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause);
    super(
      `cannot lock the PGlite data directory (${lockPath}: ${reason}); the embedded store needs a local ` +
        'file system with file locks (not a network volume). Use PostgreSQL (DATABASE_URL) otherwise',
      { cause },
    );
  }
}

/** A store transaction ended by `rollback()` on purpose, not by a failing statement. */
export class TransactionRolledBack extends ServiceError {
  override readonly name = 'TransactionRolledBack';
  readonly code = 'transaction-rolled-back';
}
