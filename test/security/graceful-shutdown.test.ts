import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { answerEmptyRecord, startFaultFhirServer } from './fault-fhir-server';

/**
 * SIGTERM stops accepting, finishes in-flight requests and exits (docs/deploy.md), so a rolling
 * restart drops no hook. The shipped entry point, a hook request in flight (its FHIR server is slow
 * to answer), then SIGTERM.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'ln-cds-sigterm-'));

describe('SIGTERM while a hook request is in flight', () => {
  it('finishes that request (200), refuses new connections, and exits 0', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let firstQuery: () => void = () => undefined;
    const queried = new Promise<void>((resolve) => (firstQuery = resolve));
    const fhir = await startFaultFhirServer((_req, res, p) => {
      firstQuery();
      // Hold every answer until the test has sent SIGTERM.
      void released.then(() => answerEmptyRecord(res, p));
    });

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: '0', CDS_DATA_DIR: path.join(scratch, 'data'), CDS_HOOK_DEADLINE_MS: '10000', CDS_FHIR_TIMEOUT_MS: '10000' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', () => {
          const port = /"discovery":"http:\/\/[^:]+:(\d+)\/cds-services"/.exec(output)?.[1];
          if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
        });
        child.on('exit', () => reject(new Error(`the service exited during start-up:\n${output}`)));
      });

      const inFlight = fetch(`${base}/cds-services/ln-patient-view`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          hook: 'patient-view',
          hookInstance: '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d',
          fhirServer: fhir.base,
          context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
        }),
      });
      await queried;
      child.kill('SIGTERM');
      // The listening socket closes at once: a new caller is turned away while the first is served.
      await new Promise<void>((resolve) => {
        const poll = (): void => {
          if (output.includes('"signal":"SIGTERM"')) resolve();
          else setTimeout(poll, 20);
        };
        poll();
      });
      await expect(fetch(`${base}/cds-services`, { headers: { connection: 'close' } })).rejects.toThrow();
      release();

      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ cards: [] });
      expect(await exited).toBe(0);
    } finally {
      release();
      child.kill('SIGKILL');
      await fhir.close();
    }
  }, 90_000);
});
