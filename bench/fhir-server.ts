import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { globalSchema } from '@medplum/core';
import { startMemoryFhirServer } from '../dev/memory-fhir-server';

/**
 * The EHR's FHIR server of the benchmark, in a process of its own: the in-memory Medplum server
 * of dev/ loaded from a JSON file of resources, behind a small front that adds
 * BENCH_FHIR_DELAY_MS of latency to every answer (drawn evenly up to BENCH_FHIR_DELAY_MAX_MS when
 * that is set) and (unless BENCH_FHIR_CACHE=0) answers a search it has already run from memory.
 * GET /__bench/sockets answers { open, max } — the connections open now and at most since the last
 * such GET — and resets the maximum. Prints "ready" when loaded.
 *
 * Why the front: Medplum's in-memory search evaluates each search parameter's FHIRPath — parsed
 * anew — on every resource, and the R4 `patient` / `code` parameters are unions over ~30 resource
 * types: 2–4 s per Observation search on a five-year record. Narrowing each expression to its own
 * resource type (below; same results for records whose subjects are Patients) brings that to
 * 10–100 ms, still far above what the service itself adds. With the cache, the FHIR server's
 * own time is the configured latency plus HTTP, so the service's overhead can be read off.
 */
function narrowSearchParameters(): void {
  for (const [type, info] of Object.entries(globalSchema.types)) {
    const params = info.searchParams;
    if (!params) continue;
    for (const [code, param] of Object.entries(params)) {
      const parts = (param.expression ?? '').split(' | ');
      const own = parts.filter((part) => part.startsWith(`${type}.`) || part.startsWith(`(${type}.`));
      if (own.length === 0) continue;
      const expression = own.join(' | ').replaceAll('.where(resolve() is Patient)', '');
      if (expression !== param.expression) params[code] = { ...param, expression };
    }
  }
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) throw new Error('usage: fhir-server.ts <resources.json>');
  const delayMs = Number(process.env.BENCH_FHIR_DELAY_MS ?? 0);
  const delayMaxMs = Number(process.env.BENCH_FHIR_DELAY_MAX_MS ?? delayMs);
  const sockets = { open: 0, max: 0 };
  const useCache = process.env.BENCH_FHIR_CACHE !== '0';
  const medplum = await startMemoryFhirServer();
  narrowSearchParameters();
  await medplum.load(JSON.parse(readFileSync(file, 'utf8')) as object[]);
  const medplumOrigin = new URL(medplum.url).origin;

  const cache = new Map<string, { status: number; type: string; body: Buffer }>();
  const front = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/__bench/sockets') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(sockets));
      sockets.max = sockets.open;
      return;
    }
    const delay = delayMs + Math.random() * (delayMaxMs - delayMs);
    const answer = (found: { status: number; type: string; body: Buffer }): void => {
      setTimeout(() => res.writeHead(found.status, { 'content-type': found.type }).end(found.body), delay);
    };
    const cached = req.method === 'GET' ? cache.get(url) : undefined;
    if (cached) {
      answer(cached);
      return;
    }
    void fetch(`${medplumOrigin}${url}`, { method: req.method === 'GET' ? 'GET' : 'HEAD' })
      .then(async (response) => {
        const found = {
          status: response.status,
          type: response.headers.get('content-type') ?? 'application/fhir+json',
          body: Buffer.from(await response.arrayBuffer()),
        };
        // The dev server remembers every request; the bench does not read that list.
        medplum.requests.length = 0;
        if (useCache && req.method === 'GET' && response.ok) cache.set(url, found);
        answer(found);
      })
      .catch(() => res.writeHead(502).end());
  });
  front.on('connection', (socket) => {
    sockets.open += 1;
    sockets.max = Math.max(sockets.max, sockets.open);
    socket.once('close', () => (sockets.open -= 1));
  });
  const port = Number(process.env.PORT ?? 0);
  await new Promise<void>((resolve) => front.listen(port, '127.0.0.1', resolve));
  process.stdout.write(`ready\n`);
  process.once('SIGTERM', () => {
    front.closeAllConnections();
    front.close();
    void medplum.close().then(() => process.exit(0));
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
