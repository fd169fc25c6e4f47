import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import type { Store } from '../../src/store/store';
import { operationOutcome as outcome } from '../support/operation-outcome';
import { buildTestApp } from '../support/test-app';

/**
 * Compressed request bodies (RFC 9110 §8.4 Content-Encoding). An EHR or integration engine may
 * gzip a large hook; what it declares and what it sends must agree, and when they do not the
 * answer is the client's mistake — a 400 OperationOutcome naming it, logged without a stack —
 * never a 500. An encoding the service does not decode is 415 (body-parser's answer, kept: the
 * server cannot read such a body at all, which is what 415 Unsupported Media Type says).
 * Sent over a real socket: supertest re-encodes bodies it is given with a Content-Encoding.
 */
const { app, log } = buildTestApp({ now: '2026-06-01T09:00:00Z', env: { CDS_MAX_BODY: '2mb' } });

const patientView = JSON.stringify({
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: { patient: null, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null, weight: null },
});

let server: Server;
let port: number;
beforeAll(async () => {
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

function post(path: string, body: Buffer, encoding: string, contentType = 'application/json'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const call = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path,
        headers: { 'content-type': contentType, 'content-encoding': encoding, 'content-length': body.length },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : (JSON.parse(text) as unknown) });
        });
      },
    );
    call.on('error', reject);
    call.end(body);
  });
}

const notDecompressible = (encoding: string) =>
  outcome(
    'invalid',
    'invalid-request',
    `The request body could not be decompressed: it is not valid ${encoding} data (Content-Encoding: ${encoding})`,
  );

describe('request bodies with a Content-Encoding', () => {
  test('a gzipped patient-view hook is read like a plain one', async () => {
    const answer = await post('/cds-services/ln-patient-view', gzipSync(patientView), 'gzip');
    expect(answer).toEqual({ status: 200, body: { cards: [] } });
  });

  test.each(['gzip', 'deflate', 'br'])(
    'plain JSON declared as %s is a 400 naming the encoding, logged without a stack',
    async (encoding) => {
      const before = log.lines.length;
      const answer = await post('/cds-services/ln-patient-view', Buffer.from(patientView), encoding);
      expect(answer).toEqual({ status: 400, body: notDecompressible(encoding) });
      const lines = log.lines.slice(before);
      expect(lines.filter((line) => line.level === 'error')).toEqual([]);
      expect(JSON.stringify(lines)).not.toContain('stack');
    },
  );

  test('a gzip body cut off half-way is a 400', async () => {
    const answer = await post('/cds-services/ln-patient-view', gzipSync(patientView).subarray(0, 20), 'gzip');
    expect(answer).toEqual({ status: 400, body: notDecompressible('gzip') });
  });

  test('deflate and brotli bodies that are what they say are read', async () => {
    expect(await post('/cds-services/ln-patient-view', deflateSync(patientView), 'deflate')).toEqual({ status: 200, body: { cards: [] } });
    expect(await post('/cds-services/ln-patient-view', brotliCompressSync(patientView), 'br')).toEqual({ status: 200, body: { cards: [] } });
  });

  test('feedback declared as gzip but sent plain is a 400 too', async () => {
    const { app: withStore } = buildTestApp({
      now: '2026-06-01T09:00:00Z',
      store: {
        description: { kind: 'pglite', location: 'memory' },
        ping: () => Promise.resolve(),
      } as unknown as Store,
    });
    const other = withStore.listen(0, '127.0.0.1');
    await new Promise((resolve) => other.once('listening', resolve));
    const previousPort = port;
    port = (other.address() as AddressInfo).port;
    try {
      const answer = await post('/cds-services/ln-patient-view/feedback', Buffer.from('{"feedback":[]}'), 'gzip');
      expect(answer).toEqual({ status: 400, body: notDecompressible('gzip') });
    } finally {
      port = previousPort;
      await new Promise((resolve) => other.close(resolve));
    }
  });

  test('a 5 MB body gzipped to a few KB is refused by its decompressed size (413), not inflated whole', async () => {
    const bomb = gzipSync(Buffer.alloc(5 * 1024 * 1024, ' '));
    expect(bomb.length).toBeLessThan(10 * 1024);
    const answer = await post('/cds-services/ln-patient-view', bomb, 'gzip');
    expect(answer).toEqual({
      status: 413,
      body: outcome('too-costly', 'payload-too-large', 'The request body is larger than this service accepts (CDS_MAX_BODY)'),
    });
  });

  test.each([
    ['compress', 'Content-Encoding "compress" is not supported; send the body as identity, gzip, deflate or br'],
    ['gzip, br', 'Content-Encoding "gzip, br" is not supported; send the body as identity, gzip, deflate or br'],
  ])('an encoding the service does not decode (%s) is a 415 naming it', async (encoding, text) => {
    const answer = await post('/cds-services/ln-patient-view', Buffer.from(patientView), encoding);
    expect(answer).toEqual({ status: 415, body: outcome('not-supported', 'unsupported-media-type', text) });
  });
});

describe('request charsets', () => {
  test('a JSON body in a charset other than UTF-8 is a 415 naming it (RFC 8259 §8.1: JSON is UTF-8)', async () => {
    const answer = await post('/cds-services/ln-patient-view', Buffer.from(patientView), 'identity', 'application/json; charset=latin1');
    expect(answer).toEqual({
      status: 415,
      body: outcome('not-supported', 'unsupported-media-type', 'Charset "latin1" is not supported; send UTF-8'),
    });
  });
});

describe('request paths', () => {
  test('a service id that is not valid percent-encoding is a 400, not a 500', async () => {
    const answer = await post('/cds-services/%E0%A4%A', Buffer.from(patientView), 'identity');
    expect(answer).toEqual({
      status: 400,
      body: outcome('invalid', 'invalid-request', 'The request path is not valid percent-encoded UTF-8'),
    });
  });
});
