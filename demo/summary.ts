import type { Config } from '../src/config';
import type { DemoPatient } from './patients';
import { buildSandboxUrl, SANDBOX_SCREEN_TITLE } from './sandbox-url';

export interface DemoAddresses {
  readonly discoveryUrl: string;
  readonly fhirServer: string;
  /** The same records behind the demo SMART authorization server: the `iss` of an EHR launch. */
  readonly smartFhirServer: string;
  /** The timeline SMART app served by the service. */
  readonly appUrl: string;
  /** The Sandbox SMART-launched on the SMART server for the first patient. */
  readonly sandboxEhrLaunchUrl: string;
  readonly sandbox: string;
  readonly hookDeadlineMs: number;
}

/** The store the service opens (src/store/open-store.ts): PostgreSQL or embedded PGlite. */
export function describeStore(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string {
  if (config.databaseUrl === undefined) return `embedded PGlite in ${config.dataDir} (CDS_DATA_DIR)`;
  try {
    // Never print credentials: host and database only.
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname} (DATABASE_URL)`;
  } catch {
    return 'PostgreSQL (DATABASE_URL)';
  }
}

export function describeAuth(config: Pick<Config, 'auth' | 'clients'>): string {
  return config.auth === 'off'
    ? 'off (CDS_AUTH=off: any caller is accepted, no JWT checked; development only)'
    : `required (CDS_AUTH=required: CDS client JWTs verified; ${config.clients.length} trusted client(s) from CDS_CLIENTS_FILE)`;
}

const FREQUENCY_WORDS = {
  daily: 'daily',
  bid: 'twice daily',
  tid: 'three times daily',
  qid: 'four times daily',
};

/** For an order-hook patient: which hook, which Sandbox screen, and what its form is prefilled with. */
export function describeOrderHook(patient: DemoPatient): string | undefined {
  const order = patient.sandboxOrder;
  if (patient.hook === 'patient-view' || order === undefined) return undefined;
  const pills = `${order.number} ${order.number === 1 ? 'pill' : 'pills'} ${FREQUENCY_WORDS[order.frequency]}`;
  const end = order.endDate ? `, ending ${order.endDate}` : '';
  const action = patient.hook === 'order-sign' ? 'press Sign Order' : 'the card follows the order';
  return `${patient.hook}: the link opens the Sandbox's ${SANDBOX_SCREEN_TITLE[patient.hook]} with ${order.medication.name}, ${pills}${end} (${action})`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** What `npm run demo` prints once both servers answer. */
export function formatSummary(
  config: Config,
  addresses: DemoAddresses,
  patients: readonly DemoPatient[],
): string {
  const lines = [
    '',
    'ln-cds-hooks demo — synthetic data only',
    '',
    `  CDS Hooks discovery   ${addresses.discoveryUrl}`,
    `  authentication        ${describeAuth(config)}`,
    `  store                 ${describeStore(config)}`,
    `  hook FHIR deadline    ${addresses.hookDeadlineMs} ms (CDS_HOOK_DEADLINE_MS)`,
    `  demo FHIR R4 server   ${addresses.fhirServer}  (Medplum in-memory, CORS open, ${patients.length} patients)`,
    `  SMART EHR launch      ${addresses.smartFhirServer}  (the same records behind OAuth, sign-in auto-approved; development only)`,
    '',
    'Demo patients — open a Sandbox URL in a browser (Chrome/Firefox; allow local network access if asked).',
    'Patients marked order-select / order-sign show their card in an order hook: the link opens that',
    "screen of the Sandbox with the order filled in; `npx tsx demo/sandbox-call.ts <id>` sends the patient's own drafts.",
    '',
  ];
  const idWidth = Math.max(...patients.map((patient) => patient.id.length)) + 2;
  const nameWidth = Math.max(...patients.map((patient) => patient.name.length)) + 2;
  lines.push(`  ${pad('id', idWidth)}${pad('name', nameWidth)}expected cards`);
  for (const patient of patients) {
    const cards = patient.expectedCodes.length > 0 ? patient.expectedCodes.join(', ') : '(none — control)';
    lines.push(`  ${pad(patient.id, idWidth)}${pad(patient.name, nameWidth)}${cards}`);
    lines.push(`      ${patient.story}`);
    const orderHook = describeOrderHook(patient);
    if (orderHook !== undefined) lines.push(`      ${orderHook}`);
    const link = buildSandboxUrl({
      sandbox: addresses.sandbox,
      discoveryUrl: addresses.discoveryUrl,
      fhirServer: addresses.fhirServer,
      patientId: patient.id,
      hook: patient.hook,
      ...(patient.sandboxOrder ? { order: patient.sandboxOrder } : {}),
    });
    lines.push(`      ${link}`);
  }
  const serviceUrl = addresses.discoveryUrl.replace(/\/cds-services$/, '');
  lines.push(
    '',
    'Without a browser (as the Sandbox calls it, but letting the service read the FHIR server):',
    `  curl -s ${addresses.discoveryUrl}`,
    `  curl -s -X POST ${serviceUrl}/cds-services/ln-patient-view -H 'Content-Type: application/json' \\`,
    `    -d '{"hook":"patient-view","hookInstance":"demo-1","fhirServer":"${addresses.fhirServer}","context":{"patientId":"${patients[0]?.id ?? ''}","userId":"Practitioner/COREPRACTITIONER1"}}'`,
    '',
    `The timeline SMART app for ${patients[0]?.id ?? ''} (docs/demo.md, "The timeline app"); the SMART server is development only:`,
    `  open server          ${addresses.appUrl}?fhirServiceUrl=${encodeURIComponent(addresses.fhirServer)}&patientId=${patients[0]?.id ?? ''}`,
    `  EHR launch, Sandbox  ${addresses.sandboxEhrLaunchUrl}`,
    "                       (the Sandbox signs in to the SMART server; a card's link then launches the app with launch + iss)",
    `  EHR launch, by hand  curl -s -X POST ${addresses.smartFhirServer}/_services/smart/Launch -H 'Content-Type: application/json' \\`,
    `                         -d '{"parameters":{"patient":"${patients[0]?.id ?? ''}"}}'`,
    `                       then open ${addresses.appUrl}?launch=<launch_id>&iss=${encodeURIComponent(addresses.smartFhirServer)}`,
    '',
    'Override feedback, the feedback report and more: docs/demo.md. Ctrl-C stops all three servers.',
    '',
  );
  return lines.join('\n');
}
