import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { CdsError, isCdsError, statusForCode } from '../errors';
import type { Logger } from '../logging/logger';
import { toOperationOutcome } from './operation-outcome';
import { requestLogger } from './request-observer';
import { STORE_RETRY_AFTER_SECONDS } from './store-health';

const ADMIN_CHALLENGE = 'Bearer realm="ln-cds-hooks administration"';

/** What body-parser 2 decompresses (`zstd` only on Node versions that have it). */
const CONTENT_ENCODINGS = 'identity, gzip, deflate or br';

/** A header value the client chose, short enough to quote in an answer or a log line. */
function quoted(value: unknown): string {
  return JSON.stringify(String(value).slice(0, 40));
}

/** body-parser's own errors carry a `type`; they are the client's mistakes, not ours. */
function fromBodyParser(error: unknown, req: Request): CdsError | undefined {
  const { type, status, encoding, charset } = (error ?? {}) as {
    type?: unknown;
    status?: unknown;
    encoding?: unknown;
    charset?: unknown;
  };
  switch (type) {
    case 'entity.parse.failed':
      return new CdsError('invalid-json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new CdsError('payload-too-large', 'The request body is larger than this service accepts (CDS_MAX_BODY)');
    case 'encoding.unsupported':
      return new CdsError(
        'unsupported-media-type',
        `Content-Encoding ${quoted(encoding)} is not supported; send the body as ${CONTENT_ENCODINGS}`,
      );
    case 'charset.unsupported':
      return new CdsError('unsupported-media-type', `Charset ${quoted(charset)} is not supported; send UTF-8`);
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new CdsError('invalid-request', 'The request body could not be read');
    case undefined: {
      // body-parser passes a failing decompression stream's error (zlib's "incorrect header
      // check", brotli's "Decompression failed") as a bare 400 without a type.
      const declared = req.headers['content-encoding']?.toLowerCase().slice(0, 40);
      if (status !== 400 || declared === undefined || declared === 'identity') return undefined;
      return new CdsError(
        'invalid-request',
        `The request body could not be decompressed: it is not valid ${declared} data (Content-Encoding: ${declared})`,
      );
    }
    default:
      return undefined;
  }
}

/** Express's router refuses a path parameter that is not valid percent-encoding (a bare 400). */
function fromRouter(error: unknown): CdsError | undefined {
  if (!(error instanceof URIError) || (error as { status?: unknown }).status !== 400) return undefined;
  return new CdsError('invalid-request', 'The request path is not valid percent-encoded UTF-8');
}

/**
 * The one place an error becomes a response. Unknown errors are a generic 500 OperationOutcome;
 * their detail goes to the log only, never to the client.
 */
export function createErrorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = isCdsError(error) ? error : (fromBodyParser(error, req) ?? fromRouter(error));
    const cdsError = known ?? new CdsError('internal', 'The service failed unexpectedly; the failure was logged');
    const status = statusForCode(cdsError.code);
    res.locals.errorCode = cdsError.code;
    const log = requestLogger(res, logger);
    if (known === undefined) {
      log.error('unexpected failure', {
        errorName: error instanceof Error ? error.name : typeof error,
        errorMessage: error instanceof Error ? error.message : undefined,
        stack: error instanceof Error ? error.stack : undefined,
      });
    } else {
      // For the store's outage, what the database driver said, for operators. Not for other
      // refusals: a FHIR query's error may carry a URL naming the patient.
      const cause: unknown = cdsError.code === 'store-unavailable' ? cdsError.cause : undefined;
      log.info('request refused', {
        code: cdsError.code,
        status,
        reason: cdsError.message,
        causeName: cause instanceof Error ? cause.name : undefined,
        causeMessage: cause instanceof Error ? cause.message : undefined,
      });
    }
    if (cdsError.code === 'unauthorized') {
      // service-contract.md: 401 has an empty body. The connection is closed: a caller without a
      // valid JWT does not get to keep one of CDS_MAX_CONNECTIONS open, nor to trickle a body.
      res.set('Connection', 'close').status(401).end();
      return;
    }
    if (status === 503) res.set('Retry-After', String(STORE_RETRY_AFTER_SECONDS));
    // RFC 6750 §3: a 401 names the scheme the resource wants. (The hook 401 above has no body
    // nor challenge, as service-contract.md fixes; the administration routes answer with both.)
    if (cdsError.code === 'admin-token-required') res.set('WWW-Authenticate', ADMIN_CHALLENGE);
    res.status(status).json(toOperationOutcome(cdsError));
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new CdsError('not-found', `No route for ${req.method} ${req.path.slice(0, 200)}`));
};
