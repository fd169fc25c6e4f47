import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { startMemoryFhirServer, type MemoryFhirServer } from '../dev/memory-fhir-server';
import {
  SANDBOX_CLIENT_IDS,
  startSmartAuthServer,
  type SmartAuthServer,
} from '../dev/smart-auth-server';
import { loadClientsFile } from '../src/config/clients-file';
import { loadConfig, type Env } from '../src/config';
import { ConfigError } from '../src/errors';
import { buildDemoPatients, buildDemoResources } from './patients';
import { HOSTED_SANDBOX_URL } from './sandbox-url';
import { formatSummary } from './summary';

/**
 * `npm run demo`: a FHIR R4 server holding synthetic LN patients, and the service, for testers.
 *
 * The service runs as a child process from src/server.ts — the same entry point as `npm start`,
 * through tsx's loader (`node --import tsx`, as this file runs) — rather than being rebuilt here from createApp:
 * whatever src/server.ts wires (authentication, the store, metrics, signal handling) is what the
 * tester sees, no build step is needed, and the service's own start-up checks (configuration
 * errors, a held PGlite data directory) stop the demo with the service's own message.
 * The FHIR server (and the SMART authorization server in front of it) live in this process, so Ctrl-C (SIGINT to the whole process group) stops the
 * service through its own shutdown and this process closes the FHIR server.
 */
const ROOT = resolve(__dirname, '..');
const READY_TIMEOUT_MS = 90_000;

/**
 * Medplum's in-memory search reads every resource of a type; with all demo patients loaded a
 * fallback query takes ~0.1–0.5 s on a busy machine, so the demo gives the service a longer hook
 * deadline than the 2 s default unless one is set. The Sandbox sends prefetch and is not affected.
 */
const DEMO_DEFAULTS: Env = { CDS_HOOK_DEADLINE_MS: '6000', CDS_FHIR_TIMEOUT_MS: '5000' };

function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value.trim() === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(`${name} must be a port number, not "${value}"`);
  return port;
}

/**
 * A clear message instead of a listen error when a port is taken (a second demo, `npm start`) —
 * and, for the service's port, no chance of mistaking another process there for our service.
 */
async function assertPortFree(host: string, port: number, setting: string): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === 'EADDRINUSE'
            ? `port ${port} is in use (another demo or npm start?); set ${setting}`
            : `${host}:${port}: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function waitForService(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error('the service exited during start-up (see its message above)');
    try {
      // Any HTTP answer means it listens (401 too, when CDS_AUTH=required).
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((done) => setTimeout(done, 300));
    }
  }
  throw new Error(`the service did not answer ${url} within ${READY_TIMEOUT_MS / 1000} s`);
}

async function main(): Promise<void> {
  const env: Env = { ...DEMO_DEFAULTS, ...process.env };
  const config = loadConfig(env, { loadClients: loadClientsFile });
  const fhirPort = parsePort(env.DEMO_FHIR_PORT, 8081, 'DEMO_FHIR_PORT');
  const smartPort = parsePort(env.DEMO_SMART_PORT, 8082, 'DEMO_SMART_PORT');
  const sandbox = env.DEMO_SANDBOX_URL?.trim() || HOSTED_SANDBOX_URL;

  const patients = buildDemoPatients(new Date());
  await assertPortFree('127.0.0.1', fhirPort, 'DEMO_FHIR_PORT');
  await assertPortFree('127.0.0.1', smartPort, 'DEMO_SMART_PORT');
  await assertPortFree(config.host, config.port, 'PORT');
  let fhir: MemoryFhirServer;
  try {
    fhir = await startMemoryFhirServer({ port: fhirPort, host: '127.0.0.1', cors: true });
  } catch (error) {
    throw new Error(`could not start the demo FHIR server on 127.0.0.1:${fhirPort}: ${String(error)}`);
  }
  await fhir.load(buildDemoResources(patients));
  const fhirServer = `http://localhost:${fhirPort}/fhir`;
  const discoveryUrl = `http://localhost:${config.port}/cds-services`;
  const appUrl = `${config.publicUrl}/app/`;
  // The EHR-launch path of the timeline app: the same records behind OAuth (development only).
  // Clients: the app, and the Sandbox itself SMART-launched, so that it holds a token and asks
  // for a launch before opening a card's link.
  let smart: SmartAuthServer;
  try {
    smart = await startSmartAuthServer({
      fhir,
      port: smartPort,
      clients: [
        { clientId: config.smartClientId, redirectPrefixes: [appUrl] },
        ...SANDBOX_CLIENT_IDS.map((clientId) => ({
          clientId,
          redirectPrefixes: [sandbox],
          pkce: 'optional' as const,
        })),
      ],
    });
  } catch (error) {
    await fhir.close();
    throw new Error(`could not start the demo SMART server on 127.0.0.1:${smartPort}: ${String(error)}`);
  }
  const firstPatient = patients[0]?.id ?? '';
  // Printed once and opened whenever the tester likes: it lasts as long as the demo.
  const sandboxLaunch = smart.createLaunch(
    { patient: firstPatient, serviceDiscoveryURL: discoveryUrl },
    Number.POSITIVE_INFINITY,
  );

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...env, PORT: String(config.port) },
    stdio: 'inherit',
  });
  // One shutdown, whichever comes first: a signal, the service exiting, or our parent leaving.
  let stopping: Promise<never> | undefined;
  const stop = (code: number): Promise<never> =>
    (stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await new Promise((done) => {
          child.once('exit', done);
          setTimeout(done, 12_000).unref();
        });
      }
      await smart.close();
      await fhir.close();
      process.exit(code);
    })());
  let ready = false;
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(
      `demo: the service stopped (${signal ?? `exit code ${code}`}); closing the FHIR server\n`,
    );
    // Before it answered, any exit is a failed start-up.
    void stop(ready && code === 0 ? 0 : 1);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stop(0));
  }
  // `npm run` runs us under `sh -c`, which does not pass a SIGTERM on: if whoever started the
  // demo goes away (npm killed by its pid), stop too rather than leave both servers running.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop(0);
  }, 1000).unref();

  const localHost = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  try {
    await waitForService(`http://${localHost}:${config.port}/cds-services`, child);
    ready = true;
  } catch (error) {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    await stop(1);
  }
  process.stdout.write(
    formatSummary(
      config,
      {
        discoveryUrl,
        fhirServer,
        smartFhirServer: smart.fhirBaseUrl,
        appUrl,
        sandboxEhrLaunchUrl: `${new URL('launch.html', sandbox).toString()}?iss=${encodeURIComponent(smart.fhirBaseUrl)}&launch=${sandboxLaunch}`,
        sandbox,
        hookDeadlineMs: config.hookDeadlineMs,
      },
      patients,
    ),
  );
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `configuration error: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`demo: ${message}\n`);
  process.exit(1);
});
