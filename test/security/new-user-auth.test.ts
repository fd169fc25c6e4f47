import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateClient, signClientToken } from '../../scripts/cds-client';

/**
 * Registering an EHR as docs/security.md says, tried as a new user would — the shipped entry
 * point in production mode, an EHR registered with scripts/cds-client.ts — a request signed by an
 * unknown key is refused while one signed by the registered EHR key is answered. The service sits behind a TLS proxy
 * whose public URL (the JWT `aud`) differs from the loopback address we call.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PUBLIC_URL = 'https://cds.north.example.org';
const scratch = mkdtempSync(path.join(tmpdir(), 'ln-cds-new-user-'));

async function startProductionServer(clientsFile: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      CDS_PUBLIC_URL: PUBLIC_URL,
      CDS_CLIENTS_FILE: clientsFile,
      CDS_DATA_DIR: path.join(scratch, 'data'),
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const port = /"discovery":"http:\/\/[^:]+:(\d+)\/cds-services"/.exec(output)?.[1];
      if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', onData);
    child.on('exit', () => reject(new Error(`the service exited during start-up:\n${output}`)));
  });
  return { base: listening, output: () => output, stop: async () => (child.kill('SIGTERM'), exited), kill: () => child.kill('SIGKILL') };
}

describe('a new user registering an EHR and calling the production service', () => {
  it('is answered with the registered key and refused (401, empty body) with any other', async () => {
    const registered = await generateClient(path.join(scratch, 'north-ehr'), {
      iss: 'https://ehr.north.example.org',
      fhirServers: ['https://ehr.north.example.org/fhir/r4'],
    });
    // Same issuer, a key pair nobody registered.
    await generateClient(path.join(scratch, 'impostor'), { iss: 'https://ehr.north.example.org', fhirServers: [] });

    const server = await startProductionServer(registered.clientsFile);
    try {
      const call = async (dir: string) =>
        fetch(`${server.base}/cds-services`, {
          headers: { authorization: `Bearer ${await signClientToken(path.join(scratch, dir), `${PUBLIC_URL}/cds-services`)}` },
        });
      const answered = await call('north-ehr');
      expect(answered.status).toBe(200);
      expect(((await answered.json()) as { services: unknown[] }).services).toHaveLength(4);

      const refused = await call('impostor');
      expect(refused.status).toBe(401);
      expect(await refused.text()).toBe('');
      expect(server.output()).toContain('CDS client not authenticated');

      expect(await server.stop()).toBe(0);
    } finally {
      server.kill();
    }
    // Start-up opens and migrates the embedded database, which takes a while on a cold machine.
  }, 90_000);
});
