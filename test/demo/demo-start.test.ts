import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * `npm run demo` as a tester meets it: it starts the FHIR server and the service, prints where
 * everything is and one Sandbox link per patient, serves the demo records to a browser origin,
 * and a SIGTERM (what Ctrl-C / killing npm amounts to) stops them all. Which card each
 * patient shows is test/demo/demo-patients.test.ts's job, with the clock fixed.
 */
const ROOT = path.resolve(__dirname, '..', '..');

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function waitFor(output: () => string, pattern: RegExp, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('npm run demo', () => {
  test('prints discovery, auth, store, the FHIR servers and a Sandbox link per patient (its hook), serves them, and stops them all on SIGTERM', async () => {
    const [servicePort, fhirPort, smartPort] = [
      await findFreePort(),
      await findFreePort(),
      await findFreePort(),
    ];
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'ln-cds-demo-')), 'pglite');
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      ['--import', 'tsx', 'demo/demo.ts'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(servicePort),
          DEMO_FHIR_PORT: String(fhirPort),
          DEMO_SMART_PORT: String(smartPort),
          CDS_DATA_DIR: dataDir,
        },
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output, /Ctrl-C stops all three servers/);
      expect(output).toContain(`CDS Hooks discovery   http://localhost:${servicePort}/cds-services`);
      expect(output).toMatch(/authentication {8}off \(CDS_AUTH=off/);
      expect(output).toContain(`store                 embedded PGlite in ${dataDir}`);
      expect(output).toContain(`demo FHIR R4 server   http://localhost:${fhirPort}/fhir`);
      expect(output).toMatch(
        new RegExp(`SMART EHR launch {6}http://localhost:${smartPort}/fhir .*development only`),
      );
      const links = output.match(/https:\/\/sandbox\.cds-hooks\.org\/\?hook=\S+/g) ?? [];
      expect(links).toHaveLength(26);
      const hooks = links.map((link) => new URL(link).searchParams.get('hook'));
      expect(hooks.filter((hook) => hook === 'patient-view')).toHaveLength(22);
      expect(hooks.filter((hook) => hook === 'order-select')).toHaveLength(2);
      expect(hooks.filter((hook) => hook === 'order-sign')).toHaveLength(2);
      for (const link of links) {
        const parameters = new URL(link).searchParams;
        expect(parameters.get('serviceDiscoveryURL')).toBe(`http://localhost:${servicePort}/cds-services`);
        expect(parameters.get('fhirServiceUrl')).toBe(`http://localhost:${fhirPort}/fhir`);
        expect(parameters.get('patientId')).toMatch(/^demo-/);
      }

      const discovery = await fetch(`http://127.0.0.1:${servicePort}/cds-services`);
      expect(discovery.status).toBe(200);
      const patient = await fetch(`http://127.0.0.1:${fhirPort}/fhir/Patient/demo-tac-low`, {
        headers: { Origin: 'https://sandbox.cds-hooks.org' },
      });
      expect(patient.status).toBe(200);
      expect(patient.headers.get('access-control-allow-origin')).toBe('*');
      expect(((await patient.json()) as fhir4.Patient).name?.[0]?.text).toBe(
        'Lowtrough Demopatient (synthetic)',
      );

      const smartConfiguration = await fetch(
        `http://127.0.0.1:${smartPort}/fhir/.well-known/smart-configuration`,
      );
      expect(((await smartConfiguration.json()) as { token_endpoint: string }).token_endpoint).toBe(
        `http://localhost:${smartPort}/auth/token`,
      );

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await isListening(`http://127.0.0.1:${servicePort}/cds-services`)).toBe(false);
      expect(await isListening(`http://127.0.0.1:${fhirPort}/fhir/metadata`)).toBe(false);
      expect(await isListening(`http://127.0.0.1:${smartPort}/fhir/metadata`)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 150_000);
});
