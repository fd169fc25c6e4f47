/**
 * One error hierarchy with stable codes (after panva/jose): handlers throw, `statusForCode` maps
 * code → HTTP status in this one place, and one middleware writes every error response.
 */
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
  | 'data-unavailable'
  | 'fhir-server-not-allowed'
  | 'deadline-exceeded'
  | 'internal';

/** One problem found in the request, for the OperationOutcome. */
export interface Issue {
  /** JSON pointer-ish location in the request body, e.g. `/context/patientId`. */
  readonly location?: string;
  readonly message: string;
}

export class CdsError extends Error {
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
      return 401;
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
  }
}

export function isCdsError(error: unknown): error is CdsError {
  return error instanceof CdsError;
}
