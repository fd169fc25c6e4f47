import { createServer } from 'node:http';
import { Agent } from 'undici';

/**
 * CPU per FHIR query of Node's fetch (what src/fhir/fhir-client.ts uses) against undici's
 * `Agent.request`, both on one undici Agent, each reading a ~4 KB searchset Bundle and parsing
 * it; the loopback server runs in this process, so its cost is in both figures alike.
 * `npx tsx bench/fetch-cost.ts` (alternates the two, twice).
 */
const bundle = Buffer.from(
  JSON.stringify({
    resourceType: 'Bundle',
    type: 'searchset',
    entry: Array.from({ length: 10 }, (_, i) => ({
      resource: {
        resourceType: 'Observation',
        id: `o${i}`,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '77348-1', display: 'Tacrolimus trough' }] },
        valueQuantity: { value: 5.2, unit: 'ng/mL' },
        effectiveDateTime: '2026-01-01T00:00:00Z',
        subject: { reference: 'Patient/p' },
      },
    })),
  }),
);

type Mode = 'fetch' | 'request';

async function main(): Promise<void> {
  const server = createServer((_req, res) =>
    res
      .writeHead(200, { 'content-type': 'application/fhir+json', 'content-length': bundle.length })
      .end(bundle),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const path = '/fhir/Observation?patient=p';
  const agent = new Agent({ connections: 128, pipelining: 1 });
  const headers = { accept: 'application/fhir+json' };

  const query = async (mode: Mode): Promise<unknown> => {
    const { signal } = new AbortController();
    const chunks: Uint8Array[] = [];
    if (mode === 'fetch') {
      const response = await fetch(`${origin}${path}`, {
        headers,
        redirect: 'manual',
        signal,
        dispatcher: agent,
      });
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
    } else {
      const response = await agent.request({ origin, path, method: 'GET', headers, signal });
      for await (const chunk of response.body) chunks.push(chunk as Uint8Array);
    }
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  };
  const rounds = async (mode: Mode, count: number): Promise<void> => {
    for (let i = 0; i < count; i += 1) await Promise.all(Array.from({ length: 50 }, () => query(mode)));
  };

  for (const mode of ['fetch', 'request', 'fetch', 'request'] as const) {
    await rounds(mode, 200); // warm-up
    const before = process.cpuUsage();
    await rounds(mode, 600);
    const used = process.cpuUsage(before);
    process.stdout.write(
      `${mode.padEnd(8)} ${((used.user + used.system) / (600 * 50)).toFixed(0)} µs CPU per query\n`,
    );
  }
  server.close();
  await agent.close();
}

void main();
