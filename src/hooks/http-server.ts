import { createServer, type RequestListener, type Server } from 'node:http';
import type { Metrics } from '../metrics';

/**
 * How long a client may take and how many connections it may hold (docs/deploy.md "Timeouts and
 * connections"). Node's defaults suit no CDS service: 300 s to send a request, 60 s for its
 * headers, no cap on connections, so a client trickling a body a byte at a time — unauthenticated,
 * since the JWT is checked only once the headers are in — holds a connection for five minutes.
 */
export interface HttpServerLimits {
  /**
   * Receiving one whole request, headers and body (Node's `requestTimeout`; 408 and closed past
   * it). It ends when the last byte of the body arrives: the hook's own work afterwards is bounded
   * by CDS_HOOK_DEADLINE_MS, not by this.
   */
  readonly requestTimeoutMs: number;
  /** Receiving the request line and headers (Node's `headersTimeout`); at most requestTimeoutMs. */
  readonly headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (longer than the load balancer's idle timeout). */
  readonly keepAliveTimeoutMs: number;
  /** Open connections beyond this are closed on arrival (Node's `maxConnections`). */
  readonly maxConnections: number;
}

/**
 * How often Node looks for requests past their timeouts. Its default, 30 s, would let a slow
 * client overstay a 10 s request timeout by up to 30 s; a sweep a second costs a walk over the
 * open connections.
 */
const TIMEOUT_SWEEP_MS = 1_000;

/** The service's HTTP server: `handler` (the Express app) behind the limits above. Not listening yet. */
export function createHttpServer(handler: RequestListener, limits: HttpServerLimits, metrics?: Metrics): Server {
  const server = createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_SWEEP_MS, limits.headersTimeoutMs),
    },
    handler,
  );
  server.maxConnections = limits.maxConnections;
  // Node closes a connection over the cap before any byte is read; count it, so an operator sees
  // the cap being reached (cds_http_connections_dropped_total).
  server.on('drop', () => metrics?.connectionDropped());
  return server;
}
