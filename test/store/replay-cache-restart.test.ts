import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createJwtVerifier } from '../../src/auth/jwt-verifier';
import { createReplayCacheFor } from '../../src/auth/shared-replay-cache';
import { openStore } from '../../src/store/open-store';
import { generateClient, signClientToken } from '../../scripts/cds-client';
import { captureLogger } from '../support/test-app';
import { EHR_ISS, makeKey, PATIENT_VIEW_PATH, PUBLIC_URL, signToken } from '../auth/jwt-fixtures';

/**
 * The embedded store keeps the JWT replay cache across restarts (docs/security.md "Replay
 * cache"): a token an EHR sent before the service stopped is refused after it — a clean stop
 * writes every accepted jti; a kill -9 loses at most the last batch interval (250 ms).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'ln-cds-replay-'));
const dataDir = (name: string): string => path.join(scratch, name, 'pglite');

describe('JWT replay cache on the embedded store, reopened in-process', () => {
  test('a patient-view token accepted before a clean stop is refused after the restart', async () => {
    const key = await makeKey('ES384', 'north-1');
    const dir = dataDir('in-process');
    const now = (): Date => new Date();
    const { logger } = captureLogger();
    const open = async () => {
      const store = await openStore({ pgliteDataDir: dir, now, onBackgroundError: () => undefined });
      const replayCache = createReplayCacheFor({ store, now, logger });
      await replayCache.ready;
      const verifier = createJwtVerifier({
        clients: [{ iss: EHR_ISS, keySource: { kind: 'inline', jwks: { keys: [key.publicJwk] } }, fhirServers: [] }],
        publicUrl: PUBLIC_URL,
        replayCache,
        now,
        fetch: () => Promise.reject(new Error('no JWKS URL is registered')),
      });
      return { verify: (token: string) => verifier.verify(token, PATIENT_VIEW_PATH), stop: () => replayCache.close().then(() => store.close()) };
    };

    const token = await signToken(key, new Date());
    const before = await open();
    await expect(before.verify(token)).resolves.toMatchObject({ iss: EHR_ISS });
    await expect(before.verify(token)).rejects.toThrow('jti replayed');
    await before.stop();

    const after = await open();
    try {
      await expect(after.verify(token)).rejects.toThrow('jti replayed');
      await expect(after.verify(await signToken(key, new Date()))).resolves.toMatchObject({ iss: EHR_ISS });
    } finally {
      await after.stop();
    }
  }, 60_000);
});

interface Service {
  readonly base: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  readonly signal: (signal: NodeJS.Signals) => void;
}

const SERVICE_URL = 'https://cds.north.example.org';

/** The shipped entry point with CDS_AUTH=required on `dir`, listening on a free loopback port. */
async function startService(dir: string, clientsFile: string): Promise<Service> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      CDS_AUTH: 'required',
      CDS_PUBLIC_URL: SERVICE_URL,
      CDS_CLIENTS_FILE: clientsFile,
      CDS_DATA_DIR: dir,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const port = /"discovery":"http:\/\/[^:]+:(\d+)\/cds-services"/.exec(output)?.[1];
      if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
    });
    child.on('exit', () => reject(new Error(`the service exited during start-up:\n${output}`)));
  });
  return { base, output: () => output, exited, signal: (signal) => child.kill(signal) };
}

describe('JWT replay cache across restarts of the shipped service (embedded store)', () => {
  const discovery = `${SERVICE_URL}/cds-services`;
  const call = (service: Service, token: string) =>
    fetch(`${service.base}/cds-services`, { headers: { authorization: `Bearer ${token}`, connection: 'close' } });

  async function registeredEhr(name: string) {
    const dir = path.join(scratch, name, 'ehr');
    const { clientsFile } = await generateClient(dir, { iss: 'https://ehr.north.example.org', fhirServers: [] });
    return { clientsFile, token: () => signClientToken(dir, discovery) };
  }

  test('a token accepted just before SIGTERM is refused after the restart', async () => {
    const ehr = await registeredEhr('sigterm');
    const dir = dataDir('sigterm');
    const token = await ehr.token();
    const first = await startService(dir, ehr.clientsFile);
    try {
      expect((await call(first, token)).status).toBe(200);
      // Well inside the 250 ms batch interval: only the flush on shutdown can have written it.
      first.signal('SIGTERM');
      expect(await first.exited).toBe(0);
    } finally {
      first.signal('SIGKILL');
    }

    const second = await startService(dir, ehr.clientsFile);
    try {
      const replayed = await call(second, token);
      expect(replayed.status).toBe(401);
      expect(second.output()).toContain('jti replayed');
      expect((await call(second, await ehr.token())).status).toBe(200);
    } finally {
      second.signal('SIGKILL');
    }
  }, 120_000);

  test('a token accepted more than one batch interval before a kill -9 is refused after the restart', async () => {
    const ehr = await registeredEhr('sigkill');
    const dir = dataDir('sigkill');
    const token = await ehr.token();
    const first = await startService(dir, ehr.clientsFile);
    try {
      expect((await call(first, token)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      first.signal('SIGKILL');
    }
    await first.exited;

    const second = await startService(dir, ehr.clientsFile);
    try {
      expect((await call(second, token)).status).toBe(401);
      expect(second.output()).toContain('jti replayed');
    } finally {
      second.signal('SIGKILL');
    }
  }, 120_000);
});
