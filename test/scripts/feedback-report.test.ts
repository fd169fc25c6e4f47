import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { openStore } from '../../src/store/open-store';
import type { FeedbackRecord, IssuedCard, Store } from '../../src/store/store';
import { describeBackend, openTestStore, type TestStore } from '../store/store-backends';
import { buildTestApp } from '../support/test-app';

/**
 * `npm run feedback-report` as an operator runs it: while the service holds the embedded store
 * (asked over loopback), when the service is stopped (store opened directly), and on PostgreSQL.
 */
const ROOT = resolve(__dirname, '..', '..');
const NOW = new Date('2026-11-22T02:09:00Z');
const run = promisify(execFile);

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function feedbackReport(args: string[], env: Record<string, string>): Promise<Result> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli/feedback-report.ts', ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const troughLowCards: IssuedCard[] = ['card-1', 'card-2', 'card-3'].map((uuid) => ({
  uuid,
  serviceId: 'ln-patient-view',
  ruleCode: 'tacrolimus-trough-low',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  issuedAt: NOW,
}));

const feedback: FeedbackRecord[] = [
  {
    serviceId: 'ln-patient-view',
    cardUuid: 'card-1',
    outcome: 'accepted',
    outcomeTimestamp: NOW,
    acceptedSuggestionIds: ['s-1'],
    hasUserComment: false,
  },
  {
    serviceId: 'ln-patient-view',
    cardUuid: 'card-2',
    outcome: 'overridden',
    outcomeTimestamp: NOW,
    acceptedSuggestionIds: [],
    overrideReason: {
      system: 'urn:ln-cds-hooks:override-reason',
      code: 'nephrology-target',
      display: 'Patient-specific target set by nephrology',
    },
    hasUserComment: false,
  },
];

const expectedRules = [
  {
    ruleCode: 'tacrolimus-trough-low',
    issued: 3,
    shadow: 0,
    accepted: 1,
    overridden: 1,
    overrideReasons: [
      {
        system: 'urn:ln-cds-hooks:override-reason',
        code: 'nephrology-target',
        display: 'Patient-specific target set by nephrology',
        cards: 1,
      },
    ],
  },
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

describe('feedback-report with the embedded store', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-report-')), 'pglite');
  let store: Store | undefined;
  let server: Server | undefined;
  let port = 0;

  beforeAll(async () => {
    store = await openStore({ pgliteDataDir: dataDir, now: () => NOW, onBackgroundError: () => undefined });
    await store.recordIssuedCards(troughLowCards);
    await store.recordFeedback(feedback);
    const { app } = buildTestApp({ now: NOW, store });
    server = app.listen(0, '127.0.0.1');
    await new Promise((ready) => server?.once('listening', ready));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await store?.close();
  });

  test('asks the running service, which holds the one PGlite connection, and prints JSON', async () => {
    const result = await feedbackReport(['--json'], { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(result.stderr).toContain(`from the running service at http://127.0.0.1:${port}`);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      generatedAt: NOW.toISOString(),
      rules: expectedRules,
      period: { since: null, until: null },
      tenant: null,
      tenants: [],
      days: ['2026-11-22'],
      daily: [{ ruleCode: 'tacrolimus-trough-low', shown: [3], shadow: [0] }],
      rulesetVersions: [],
      currentRulesetVersion: expect.stringMatching(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/) as unknown,
    });
  });

  test("passes the period and tenant on to the running service: the day after has nothing, the tenant's own calls none", async () => {
    const nextDay = await feedbackReport(['--json', '--since', '2026-11-23'], { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(nextDay.code).toBe(0);
    expect(JSON.parse(nextDay.stdout)).toMatchObject({ period: { since: '2026-11-23T00:00:00.000Z', until: null }, rules: [] });
    const north = await feedbackReport(['--tenant', 'north', '--until', '2026-11-22'], { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(north.code).toBe(0);
    expect(north.stdout).toContain('cards issued from the first one to 2026-11-23T00:00:00.000Z (end excluded); tenant: north');
    expect(north.stdout).toContain('no cards issued and no feedback yet');
  });

  test('refuses a period it cannot read, saying how to write one', async () => {
    const result = await feedbackReport(['--since', '1 June'], { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('since must be a date (2026-06-01) or an instant with its offset (2026-06-01T00:00:00Z)');
  });

  test('reads the data directory itself once the service has stopped, and prints a table', async () => {
    await new Promise((done) => server?.close(done));
    server = undefined;
    await store?.close();
    store = undefined;
    const result = await feedbackReport([], { PORT: String(await closedPort()), CDS_DATA_DIR: dataDir });
    expect(result.stderr).toContain(`reading ${dataDir} directly`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('tacrolimus-trough-low       3       0         1           1         33.3 %');
    expect(result.stdout).toContain(
      '    overridden: urn:ln-cds-hooks:override-reason|nephrology-target (Patient-specific target set by nephrology): 1',
    );
  });

  test('says where it looked when there is neither a service nor a store', async () => {
    const nowhere = join(mkdtempSync(join(tmpdir(), 'ln-report-')), 'missing');
    const result = await feedbackReport([], { PORT: String(await closedPort()), CDS_DATA_DIR: nowhere });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`no embedded store at ${nowhere}`);
  });
});

describeBackend('postgresql', 'feedback-report with DATABASE_URL', () => {
  let testStore: TestStore;

  beforeAll(async () => {
    testStore = await openTestStore('postgresql', () => NOW);
    await testStore.store.recordIssuedCards(troughLowCards);
    await testStore.store.recordFeedback(feedback);
  });
  afterAll(async () => {
    await testStore?.dispose();
  });

  test('reads PostgreSQL directly, whether or not replicas are running', async () => {
    const result = await feedbackReport(['--json'], { DATABASE_URL: testStore.databaseUrl ?? '' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rules: expectedRules });
  });

  test('counts only the cards of the period asked for', async () => {
    const result = await feedbackReport(['--since', '2026-11-22', '--until', '2026-11-22'], { DATABASE_URL: testStore.databaseUrl ?? '' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('cards issued from 2026-11-22T00:00:00.000Z to 2026-11-23T00:00:00.000Z (end excluded); tenant: all');
    expect(result.stdout).toContain('tacrolimus-trough-low       3       0         1           1         33.3 %');
  });
});

describe('feedback-report against a service with an administration token', () => {
  const token = 'committee-report-token-8e7d6c5b4a3928170f1e2d3c4b5a6978';
  const dataDir = join(mkdtempSync(join(tmpdir(), 'ln-report-token-')), 'pglite');
  let store: Store | undefined;
  let server: Server | undefined;
  let port = 0;

  beforeAll(async () => {
    store = await openStore({ pgliteDataDir: dataDir, now: () => NOW, onBackgroundError: () => undefined });
    await store.recordIssuedCards(troughLowCards);
    await store.recordFeedback(feedback);
    const { app } = buildTestApp({ now: NOW, store, env: { CDS_ADMIN_TOKEN_SHA256: createHash('sha256').update(token).digest('hex') } });
    server = app.listen(0, '127.0.0.1');
    await new Promise((ready) => server?.once('listening', ready));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(async () => {
    await new Promise((done) => (server ? server.close(done) : done(undefined)));
    await store?.close();
  });

  test('sends the token from CDS_ADMIN_TOKEN', async () => {
    const result = await feedbackReport(['--json'], { PORT: String(port), CDS_DATA_DIR: dataDir, CDS_ADMIN_TOKEN: token });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rules: expectedRules });
  });

  test('without it, says the service refused and asks for the token, rather than trying the locked store', async () => {
    const result = await feedbackReport(['--json'], { PORT: String(port), CDS_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `feedback-report: http://127.0.0.1:${port} answered 401: give the administration token in CDS_ADMIN_TOKEN\n`,
    );
  });
});
