import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { loadConfig, type Env } from '../../src/config';
import { buildTestApp } from '../support/test-app';
import { hydroxychloroquineOrder } from '../support/hydroxychloroquine-order';
import { answerEmptyRecord, searchset, sendJson, startFaultFhirServer, type FaultFhirServer } from './fault-fhir-server';

/**
 * What the service reads from a FHIR server is bounded: CDS_FHIR_MAX_RESPONSE per answer (4 MB)
 * and CDS_FHIR_MAX_PER_HOOK for all of one hook's answers (8 MB). Past either, the request is
 * aborted — its socket closed, the rest never read — and the hook answers 412 naming the limit; a
 * Medication read past it leaves its order silent (never 412), as any unreadable Medication does.
 * Real loopback servers (port 0) that stream their answers, so "aborted" means the server saw the
 * socket close while it still had bytes to send.
 */
const TOKEN = 'ehr-access-token-size-5be2';
const NOW = '2026-06-01T09:00:00Z';
const KB = 1024;
const MB = 1024 * KB;

const servers: FaultFhirServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function fhirServer(handler: Parameters<typeof startFaultFhirServer>[0]): Promise<FaultFhirServer> {
  const server = await startFaultFhirServer(handler);
  servers.push(server);
  return server;
}

/** Generous time limits: these tests are about bytes, and must not end at a deadline instead. */
function appWith(env: Env = {}) {
  return buildTestApp({ now: NOW, env: { CDS_HOOK_DEADLINE_MS: '10000', CDS_FHIR_TIMEOUT_MS: '10000', ...env } });
}

const patientView = (base: string) => ({
  hook: 'patient-view',
  hookInstance: '5d0f6b2e-1c3a-4e8b-9f7d-2a6c8e0b4d13',
  fhirServer: base,
  fhirAuthorization: { access_token: TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
});

const pathOf = (seen: { path: string }): string => seen.path.replace(/^\/fhir/, '');

/**
 * A valid FHIR JSON answer `{ …head, "text": { "div": "<div>xxx…</div>" } }` streamed 64 KB at a
 * time with `padding` bytes of narrative, honouring backpressure, until done or the client goes
 * away. `padding: 'endless'` never ends; `declare`: send Content-Length (else chunked).
 */
function streamAnswer(
  res: ServerResponse,
  resource: object,
  options: { padding: number | 'endless'; declare: boolean; pauseMs: number },
): void {
  const json = JSON.stringify({ ...resource, text: { status: 'generated', div: '@' } });
  const [before, after] = json.split('@') as [string, string];
  const open = `${before}<div xmlns=\\"http://www.w3.org/1999/xhtml\\">`;
  const close = `</div>${after}`;
  const chunk = Buffer.alloc(64 * KB, 'x');
  const { padding } = options;
  res.writeHead(200, {
    'content-type': 'application/fhir+json',
    ...(options.declare && padding !== 'endless' ? { 'content-length': String(open.length + padding + close.length) } : {}),
  });
  res.write(open);
  let left = padding === 'endless' ? Number.POSITIVE_INFINITY : padding;
  const more = (): void => {
    while (!res.destroyed && left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', () => setTimeout(more, options.pauseMs));
        return;
      }
      if (options.pauseMs > 0) {
        setTimeout(more, options.pauseMs);
        return;
      }
    }
    if (!res.destroyed && left === 0) res.end(close);
  };
  more();
}

/** A woman with lupus nephritis on MMF 500 mg tablets, 4 twice daily (2 g twice daily) since 2025-01. */
const lupusNephritis = {
  resourceType: 'Condition',
  id: 'ln',
  subject: { reference: 'Patient/p77' },
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
  code: { coding: [{ system: 'http://snomed.info/sct', code: '36402006' }], text: 'Lupus nephritis, WHO class IV' },
  onsetDateTime: '2023-12-14T09:00:00Z',
};
const mmf500 = {
  resourceType: 'Medication',
  id: 'mmf-500',
  code: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '200060', display: 'mycophenolate mofetil 500 MG Oral Tablet' }] },
};
const mmfOrder = {
  resourceType: 'MedicationRequest',
  id: 'mr-mmf',
  status: 'active',
  intent: 'order',
  subject: { reference: 'Patient/p77' },
  authoredOn: '2025-01-17T09:00:00Z',
  medicationReference: { reference: 'Medication/mmf-500' },
  dosageInstruction: [
    {
      text: '4 tablets twice daily',
      timing: { code: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation', code: 'BID' }] }, repeat: { boundsPeriod: { start: '2025-01-17T09:00:00Z' } } },
      doseAndRate: [{ doseQuantity: { value: 4, unit: '{tbl}', system: 'http://unitsofmeasure.org', code: '{tbl}' } }],
    },
  ],
};

const textOf = (body: { issue: { details: { text: string } }[] }): string => body.issue[0]?.details.text ?? '';

describe('a FHIR server answering more than the service reads', () => {
  it('a 48 MB MedicationRequest search that declares its length is refused at the 4 MB default: 412 naming the limit, the socket closed at once', async () => {
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/MedicationRequest')) streamAnswer(res, searchset([]), { padding: 48 * MB, declare: true, pauseMs: 0 });
      else answerEmptyRecord(res, path);
    });
    const started = Date.now();
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(response.body).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'incomplete',
          details: {
            coding: [{ system: 'urn:ln-cds-hooks:error', code: 'data-unavailable' }],
            text: 'Could not read medications from the FHIR server (too-large: an answer over 4 MB, CDS_FHIR_MAX_RESPONSE)',
          },
        },
      ],
    });
    await server.abandonedCount(1);
    expect(server.abandoned.map(pathOf).filter((path) => path.startsWith('/MedicationRequest'))).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a slow endless chunked stream is cut when it passes CDS_FHIR_MAX_RESPONSE, long before the timeout', async () => {
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) streamAnswer(res, searchset([]), { padding: 'endless', declare: false, pauseMs: 5 });
      else answerEmptyRecord(res, path);
    });
    const started = Date.now();
    const response = await request(appWith({ CDS_FHIR_MAX_RESPONSE: '1mb' }).app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(textOf(response.body)).toBe('Could not read conditions from the FHIR server (too-large: an answer over 1 MB, CDS_FHIR_MAX_RESPONSE)');
    await server.abandonedCount(1);
    expect(server.abandoned.map(pathOf).filter((path) => path.startsWith('/Condition'))).toHaveLength(1);
    // 1 MB at 64 KB per 5 ms is ~80 ms of streaming; the per-query timeout is 10 s.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('a gzip answer of a few KB that inflates past the limit is cut as it inflates (the limit counts what the service holds)', async () => {
    const inflated = JSON.stringify({ ...searchset([]), id: ' '.repeat(20 * MB) });
    const compressed = gzipSync(inflated);
    expect(compressed.length).toBeLessThan(64 * KB);
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) {
        res.writeHead(200, { 'content-type': 'application/fhir+json', 'content-encoding': 'gzip', 'content-length': String(compressed.length) });
        res.end(compressed);
      } else answerEmptyRecord(res, path);
    });
    const response = await request(appWith({ CDS_FHIR_MAX_RESPONSE: '2mb' }).app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(textOf(response.body)).toBe('Could not read conditions from the FHIR server (too-large: an answer over 2 MB, CDS_FHIR_MAX_RESPONSE)');
  });

  it('eight answers of 300 KB each, every one under the per-answer limit, pass CDS_FHIR_MAX_PER_HOOK of 2 MB together: 412 naming the per-hook limit', async () => {
    const server = await fhirServer((_req, res, path) => {
      const resource = path.startsWith('/Patient/') ? { resourceType: 'Patient', id: 'p77' } : searchset([]);
      streamAnswer(res, resource, { padding: 300 * KB, declare: true, pauseMs: 0 });
    });
    const response = await request(appWith({ CDS_FHIR_MAX_RESPONSE: '1mb', CDS_FHIR_MAX_PER_HOOK: '2mb' }).app)
      .post('/cds-services/ln-patient-view')
      .send(patientView(server.base));
    expect(response.status).toBe(412);
    expect(textOf(response.body)).toMatch(
      /^Could not read \w+ from the FHIR server \(too-large: this hook's answers together over 2 MB, CDS_FHIR_MAX_PER_HOOK\)$/,
    );
  });

  it('the same eight answers of 300 KB (2.4 MB in all) are read whole under the defaults: 200', async () => {
    const server = await fhirServer((_req, res, path) => {
      const resource = path.startsWith('/Patient/') ? { resourceType: 'Patient', id: 'p77' } : searchset([]);
      streamAnswer(res, resource, { padding: 300 * KB, declare: true, pauseMs: 0 });
    });
    const response = await request(appWith().app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    expect(server.abandoned).toEqual([]);
  });
});

describe('a Medication read over the limit', () => {
  /** The search ignores `_include`: MMF 500 mg must be read on its own, and that answer is `padding` bytes of narrative. */
  const ehr = (padding: number) =>
    fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) sendJson(res, 200, searchset([lupusNephritis]));
      else if (path.startsWith('/MedicationRequest')) sendJson(res, 200, searchset([mmfOrder, hydroxychloroquineOrder('p77')]));
      else if (path === '/Medication/mmf-500') streamAnswer(res, mmf500, { padding, declare: false, pauseMs: 1 });
      else answerEmptyRecord(res, path);
    });

  it('leaves MMF 2 g twice daily silent, never 412, and the read is aborted', async () => {
    const server = await ehr(2 * MB);
    const { app, log } = appWith({ CDS_FHIR_MAX_RESPONSE: '1mb' });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    await server.abandonedCount(1);
    expect(server.abandoned.map(pathOf)).toEqual(['/Medication/mmf-500']);
    const notes = log.lines.filter((line) => line.message === 'silent or adjusted').flatMap((line) => line.notes as string[]);
    expect(notes).toContain('Medication read: too-large; its orders stay silent');
  });

  it('leaves the order silent when the read passes what the searches left of CDS_FHIR_MAX_PER_HOOK, each answer under CDS_FHIR_MAX_RESPONSE', async () => {
    // 400 KB of MedicationRequest search and 700 KB of Medication: each under 1 MB, together over.
    const server = await fhirServer((_req, res, path) => {
      if (path.startsWith('/Condition')) sendJson(res, 200, searchset([lupusNephritis]));
      else if (path.startsWith('/MedicationRequest')) streamAnswer(res, searchset([mmfOrder, hydroxychloroquineOrder('p77')]), { padding: 400 * KB, declare: true, pauseMs: 0 });
      else if (path === '/Medication/mmf-500') streamAnswer(res, mmf500, { padding: 700 * KB, declare: false, pauseMs: 1 });
      else answerEmptyRecord(res, path);
    });
    const { app, log } = appWith({ CDS_FHIR_MAX_RESPONSE: '1mb', CDS_FHIR_MAX_PER_HOOK: '1mb' });
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
    const notes = log.lines.filter((line) => line.message === 'silent or adjusted').flatMap((line) => line.notes as string[]);
    expect(notes).toContain('Medication read: too-large; its orders stay silent');
  });

  it('warns about MMF 2 g twice daily when the same Medication (200 KB of narrative) is under the limit', async () => {
    const server = await ehr(200 * KB);
    const response = await request(appWith({ CDS_FHIR_MAX_RESPONSE: '1mb' }).app).post('/cds-services/ln-patient-view').send(patientView(server.base));
    expect(response.status).toBe(200);
    expect(response.body.cards.map((card: { source: { topic: { code: string } } }) => card.source.topic.code)).toEqual(['mycophenolate-dose-high']);
  });
});

describe('the limits as settings', () => {
  it('default to 4 MB per answer and 8 MB per hook, and take sizes as CDS_MAX_BODY does', () => {
    expect(loadConfig({})).toMatchObject({ fhirMaxResponseBytes: 4 * MB, fhirMaxHookBytes: 8 * MB });
    expect(loadConfig({ CDS_FHIR_MAX_RESPONSE: '512kb', CDS_FHIR_MAX_PER_HOOK: '3mb' })).toMatchObject({
      fhirMaxResponseBytes: 512 * KB,
      fhirMaxHookBytes: 3 * MB,
    });
  });

  it('stop start-up with a message naming the setting when a size is not one', () => {
    expect(() => loadConfig({ CDS_FHIR_MAX_RESPONSE: 'lots' })).toThrow(
      'CDS_FHIR_MAX_RESPONSE must be a size such as 2mb, 500kb or 1048576, not "lots"',
    );
    expect(() => loadConfig({ CDS_FHIR_MAX_PER_HOOK: '10' })).toThrow('CDS_FHIR_MAX_PER_HOOK must be at least 1kb, not "10"');
  });

  it('stop start-up when the per-hook limit is below the per-answer one', () => {
    expect(() => loadConfig({ CDS_FHIR_MAX_RESPONSE: '4mb', CDS_FHIR_MAX_PER_HOOK: '2mb' })).toThrow(
      /^CDS_FHIR_MAX_PER_HOOK \(2097152 bytes\) must be at least CDS_FHIR_MAX_RESPONSE \(4194304 bytes\)/,
    );
  });
});
