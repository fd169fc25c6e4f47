import type { ErrorRequestHandler, RequestHandler } from 'express';
import { CdsError, isCdsError, statusForCode } from '../errors';
import type { Logger } from '../logging/logger';
import { toOperationOutcome } from './operation-outcome';
import { requestLogger } from './request-observer';

/** body-parser's own errors carry a `type`; they are the client's mistakes, not ours. */
function fromBodyParser(error: unknown): CdsError | undefined {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new CdsError('invalid-json', 'The request body is not valid JSON');
    case 'entity.too.large':
      return new CdsError('payload-too-large', 'The request body is larger than this service accepts (CDS_MAX_BODY)');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new CdsError('unsupported-media-type', 'The request body encoding or charset is not supported');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new CdsError('invalid-request', 'The request body could not be read');
    default:
      return undefined;
  }
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
    const known = isCdsError(error) ? error : fromBodyParser(error);
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
      log.info('request refused', { code: cdsError.code, status, reason: cdsError.message });
    }
    if (status === 401) {
      // service-contract.md: 401 has an empty body.
      res.status(401).end();
      return;
    }
    res.status(status).json(toOperationOutcome(cdsError));
  };
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new CdsError('not-found', `No route for ${req.method} ${req.path.slice(0, 200)}`));
};
