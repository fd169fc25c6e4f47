import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real FHIR server on loopback (port 0) whose answers a test scripts: the sockets, timeouts and
 * aborts are the operating system's, not a mock's. It records every request it receives and every
 * request whose client went away before the answer was complete.
 */
export interface SeenRequest {
  readonly path: string;
  readonly authorization: string | undefined;
}

export interface FaultFhirServer {
  /** Base URL, e.g. http://127.0.0.1:41234/fhir */
  readonly base: string;
  readonly origin: string;
  readonly requests: SeenRequest[];
  /** Requests the client abandoned (socket closed before our answer finished). */
  readonly abandoned: SeenRequest[];
  /** Resolves when at least `count` requests have been abandoned. */
  abandonedCount(count: number): Promise<void>;
  close(): Promise<void>;
}

export type FhirHandler = (req: IncomingMessage, res: ServerResponse, path: string) => void;

export async function startFaultFhirServer(handler: FhirHandler): Promise<FaultFhirServer> {
  const requests: SeenRequest[] = [];
  const abandoned: SeenRequest[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const seen = { path: req.url ?? '', authorization: req.headers.authorization };
    requests.push(seen);
    res.on('close', () => {
      if (res.writableFinished) return;
      abandoned.push(seen);
      for (const waiter of waiters.filter((w) => abandoned.length >= w.count)) waiter.resolve();
    });
    handler(req, res, (req.url ?? '').replace(/^\/fhir/, ''));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    base: `${origin}/fhir`,
    origin,
    requests,
    abandoned,
    abandonedCount: (count) =>
      abandoned.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/fhir+json' });
  res.end(JSON.stringify(body));
}

export const searchset = (resources: object[], next?: string): object => ({
  resourceType: 'Bundle',
  type: 'searchset',
  entry: resources.map((resource) => ({ resource })),
  ...(next === undefined ? {} : { link: [{ relation: 'next', url: next }] }),
});

/** A patient with lupus nephritis whose record is otherwise empty: every search answers. */
export function answerEmptyRecord(res: ServerResponse, path: string): void {
  if (path.startsWith('/Patient/')) {
    sendJson(res, 200, { resourceType: 'Patient', id: path.slice('/Patient/'.length) });
    return;
  }
  sendJson(res, 200, searchset([]));
}
