import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Express } from 'express';
import request from 'supertest';
import { openStore } from '../../src/store/open-store';
import type { IssuedCard, Store } from '../../src/store/store';
import { describeBackend, openTestStore, type TestStore } from '../store/store-backends';
import { buildTestApp } from '../support/test-app';

/**
 * `npm run audit-export -- --since … --until …` as an operator's nightly job runs it: against the
 * running service that holds the embedded store (with the administration token), against the
 * stopped service's data directory, and against PostgreSQL. It prints the Bundle GET /admin/audit
 * answers.
 */
const ROOT = resolve(__dirname, '..', '..');
const NOW = new Date('2026-03-04T02:00:00Z');
const PUBLIC_URL = 'https://cds.north.example.org';
const ADMIN_TOKEN = 'nightly-export-token-5f0e9d8c7b6a59483726150f4e3d2c1b';
const PERIOD = ['--since', '2026-03-03T00:00:00Z', '--until', '2026-03-04T00:00:00Z'];
const run = promisify(execFile);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function auditExport(args: string[], env: Record<string, string>): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/audit-export.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const audit = {
  hook: 'order-sign',
  userId: 'Practitioner/prac-1',
  patientId: 'p1',
  rulesetVersion: '0.1.0+3f2a9c1b7d04',
  indicator: 'warning',
  resources: ['MedicationRequest/mmf-1'],
};
const cards: IssuedCard[] = [
  { uuid: 'card-1', serviceId: 'ln-order-sign', ruleCode: 'mycophenolate-dose-high', hookInstance: 'h-1', issuedAt: new Date('2026-03-03T08:15:00Z'), mode: 'active', audit },
  { uuid: 'card-2', serviceId: 'ln-order-sign', ruleCode: 'cni-egfr-decline', hookInstance: 'h-2', issuedAt: new Date('2026-03-03T15:40:00Z'), mode: 'shadow', audit },
  { uuid: 'card-3', serviceId: 'ln-order-sign', ruleCode: 'mycophenolate-dose-high', hookInstance: 'h-3', issuedAt: new Date('2026-03-04T00:00:00Z'), mode: 'active', audit },
];

/** A port nothing listens on: one the OS just handed out and took back. */
async function closedPort(): Promise<number> {
  const { app } = buildTestApp({ now: NOW });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((ready) => server.once('listening', ready));
  const address = server.address();
  await new Promise((done) => server.close(done));
  return typeof address === 'object' && address !== null ? address.port : 1;
}

const idsOf = (bundle: { entry?: { resource: { id: string } }[] }) => (bundle.entry ?? []).map((entry) => entry.resource.id);

describe('audit-export with the embedded store', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-audit-')), 'pglite');
  let store: Store | undefined;
  let server: Server | undefined;
  let app: Express;
  let port = 0;

  beforeAll(async () => {
    store = await openStore({ pgliteDataDir: dataDir, now: () => NOW, onBackgroundError: () => undefined });
    await store.recordIssuedCards(cards);
    ({ app } = buildTestApp({
      now: NOW,
      store,
      env: { CDS_ADMIN_TOKEN_SHA256: createHash('sha256').update(ADMIN_TOKEN).digest('hex'), CDS_PUBLIC_URL: PUBLIC_URL },
    }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((ready) => server?.once('listening', ready));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await store?.close();
  });

  test('asks the running service with the token from a file, and prints the very Bundle it answers', async () => {
    const tokenFile = join(mkdtempSync(join(tmpdir(), 'ln-token-')), 'admin-token');
    writeFileSync(tokenFile, `${ADMIN_TOKEN}\n`, { mode: 0o600 });
    const result = await auditExport([...PERIOD, '--token-file', tokenFile], { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(result.stderr).toContain(`audit export from the running service at http://127.0.0.1:${port}`);
    expect(result.code).toBe(0);
    const answered = await request(app)
      .get('/admin/audit?since=2026-03-03T00:00:00Z&until=2026-03-04T00:00:00Z')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`);
    expect(JSON.parse(result.stdout)).toEqual(answered.body);
    expect(idsOf(answered.body)).toEqual(['card-1', 'card-2']);
  });

  test('takes the token from CDS_ADMIN_TOKEN too', async () => {
    const result = await auditExport(PERIOD, { PORT: String(port), CDS_DATA_DIR: dataDir, CDS_ADMIN_TOKEN: ADMIN_TOKEN });
    expect(result.code).toBe(0);
    expect(idsOf(JSON.parse(result.stdout))).toEqual(['card-1', 'card-2']);
  });

  test('without the token, says the service refused and how to give it, and prints nothing', async () => {
    const result = await auditExport(PERIOD, { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `audit-export: http://127.0.0.1:${port} answered 401: The administration routes need Authorization: Bearer <administration token> (give the administration token: --token-file or CDS_ADMIN_TOKEN)\n`,
    );
  });

  test('refuses a period that is not one, with the reason and the usage', async () => {
    const result = await auditExport(['--since', '2026-03-03', '--until', '2026-03-04T00:00:00Z'], { PORT: String(port) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('since must be a FHIR instant with seconds and a time zone');
    expect(result.stderr).toContain('usage: audit-export --since <instant> --until <instant>');
  });

  test('reads the data directory itself once the service has stopped', async () => {
    await new Promise((done) => server?.close(done));
    server = undefined;
    await store?.close();
    store = undefined;
    const result = await auditExport(PERIOD, { PORT: String(await closedPort()), CDS_DATA_DIR: dataDir, CDS_PUBLIC_URL: PUBLIC_URL });
    expect(result.stderr).toContain(`reading ${dataDir} directly`);
    expect(result.code).toBe(0);
    const bundle = JSON.parse(result.stdout);
    expect(bundle).toMatchObject({
      resourceType: 'Bundle',
      type: 'collection',
      link: [{ relation: 'self', url: `${PUBLIC_URL}/admin/audit?since=2026-03-03T00%3A00%3A00.000Z&until=2026-03-04T00%3A00%3A00.000Z` }],
    });
    expect(idsOf(bundle)).toEqual(['card-1', 'card-2']);
  });
});

describeBackend('postgresql', 'audit-export with DATABASE_URL', () => {
  let testStore: TestStore;

  beforeAll(async () => {
    testStore = await openTestStore('postgresql', () => NOW);
    await testStore.store.recordIssuedCards(cards);
  });
  afterAll(async () => {
    await testStore?.dispose();
  });

  test('reads PostgreSQL directly, whether or not replicas are running', async () => {
    const result = await auditExport(PERIOD, { DATABASE_URL: testStore.databaseUrl ?? '' });
    expect(result.code).toBe(0);
    expect(idsOf(JSON.parse(result.stdout))).toEqual(['card-1', 'card-2']);
  });
});
