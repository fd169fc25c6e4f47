import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startMemoryFhirServer } from '../../dev/memory-fhir-server';
import { buildDemoPatients } from '../../demo/patients';

/**
 * The shipped entry point (src/server.ts) as a real process, for tests that kill it (kill -9),
 * start two on one data directory, or restart it.
 */
export const ROOT = path.resolve(__dirname, '..', '..');

export interface ServiceProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly output: () => string;
  /** Resolves with the exit code, or the signal's name when killed. */
  readonly exited: Promise<number | string | null>;
  /** `http://127.0.0.1:<port>` once listening (rejects if the process exits first). */
  readonly listening: Promise<string>;
}

export interface StartOptions {
  readonly env: Record<string, string>;
  /** Extra node flags after tsx is loaded, before the script (e.g. `--import` a .ts preload). */
  readonly nodeArgs?: readonly string[];
}

export function startService(options: StartOptions): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...(options.nodeArgs ?? []), 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...options.env },
  });
  let output = '';
  const exited = new Promise<number | string | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  const listening = new Promise<string>((resolve, reject) => {
    const look = (): void => {
      const port = /"discovery":"http:\/\/[^:]+:(\d+)\/cds-services"/.exec(output)?.[1];
      if (port !== undefined) resolve(`http://127.0.0.1:${port}`);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      look();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) =>
      reject(new Error(`the service exited (${String(code)}) before listening:\n${output}`)),
    );
  });
  listening.catch(() => undefined); // a test that expects a failed start reads `exited` instead
  return { child, output: () => output, exited, listening };
}

/** kill -9, and the moment it is done (the process reaped). */
export async function killHard(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGKILL');
  await service.exited;
}

/**
 * A patient-view request for the demo patient whose tacrolimus trough is 3.1 ng/mL (one
 * `tacrolimus-trough-low` card), its prefetch built as an EHR would: the service's discovery
 * templates run against a FHIR server holding the record, dated from today.
 */
export async function lowTroughPatientView(base: string): Promise<(hookInstance?: string) => string> {
  const patient = buildDemoPatients(new Date()).find((candidate) => candidate.id === 'demo-tac-low');
  if (patient === undefined) throw new Error('no demo-tac-low patient');
  const fhir = await startMemoryFhirServer();
  try {
    await fhir.load(patient.resources);
    const discovery = (await (await fetch(`${base}/cds-services`)).json()) as {
      services: { id: string; prefetch: Record<string, string> }[];
    };
    const templates = discovery.services.find((service) => service.id === 'ln-patient-view')?.prefetch ?? {};
    const prefetch: Record<string, unknown> = {};
    for (const [key, template] of Object.entries(templates)) {
      const query = template
        .replaceAll('{{context.patientId}}', patient.id)
        .replaceAll('{{userPractitionerId}}', 'demo-prac');
      const response = await fetch(`${fhir.url}/${query}`);
      if (response.ok) prefetch[key] = await response.json();
    }
    const context = { userId: 'Practitioner/demo-prac', patientId: patient.id };
    return (hookInstance = randomUUID()) =>
      JSON.stringify({ hook: 'patient-view', hookInstance, context, prefetch });
  } finally {
    await fhir.close();
  }
}

export interface AnsweredCard {
  readonly uuid: string;
  readonly ruleCode: string;
  /** performance.now() in the test process when the answer was read. */
  readonly answeredAt: number;
}

export async function callHook(base: string, body: string): Promise<AnsweredCard[]> {
  const response = await fetch(`${base}/cds-services/ln-patient-view`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (response.status !== 200) throw new Error(`hook answered ${response.status}: ${await response.text()}`);
  const { cards } = (await response.json()) as {
    cards: { uuid: string; source: { topic?: { code: string } } }[];
  };
  const answeredAt = performance.now();
  return cards.map((card) => ({ uuid: card.uuid, ruleCode: card.source.topic?.code ?? '', answeredAt }));
}

/** A clinician overrode the card (CDS Hooks 2.0 feedback); the service answers 200 once stored. */
export async function sendOverride(
  base: string,
  cardUuid: string,
  outcomeTimestamp: string,
): Promise<number> {
  const response = await fetch(`${base}/cds-services/ln-patient-view/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ feedback: [{ card: cardUuid, outcome: 'overridden', outcomeTimestamp }] }),
  });
  await response.arrayBuffer();
  return response.status;
}
