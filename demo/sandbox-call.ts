import { randomUUID } from 'node:crypto';
import { buildHookContext, SERVICE_ID_BY_HOOK } from './hook-context';
import { buildDemoPatients, DEMO_PRACTITIONER_ID, type DemoPatient } from './patients';

/**
 * `npx tsx demo/sandbox-call.ts <patientId> [--override=<reason code>]` — calls a running demo
 * the way the CDS Hooks Sandbox does (fixtures/sandbox-requests): it reads our discovery,
 * resolves every prefetch template itself against the FHIR server (searches as
 * `POST {type}/_search`, falling back to GET; a failed key is omitted), then POSTs the hook with
 * `fhirServer`, `prefetch`, the Sandbox's user and a browser `Origin`. A demo patient shown in an
 * order hook is sent in that hook, with its own draft orders (demo/patients.ts) as
 * `context.draftOrders` (and `selections` for order-select); any other id gets a patient-view.
 * With `--override` it then dismisses the first card with that reason, as the Sandbox's Dismiss
 * does: one feedback POST holding one item, `overrideReason.reason` with only `code` and `system`.
 */
interface Card {
  uuid?: string;
  indicator: string;
  summary: string;
  source: { topic?: { code: string } };
  overrideReasons?: { code: string; system?: string; display?: string }[];
}

const service = (process.env.DEMO_SERVICE_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`).replace(
  /\/+$/,
  '',
);
const fhirServer = (
  process.env.DEMO_FHIR_URL ?? `http://localhost:${process.env.DEMO_FHIR_PORT ?? '8081'}/fhir`
).replace(/\/+$/, '');
const ORIGIN = 'http://localhost:8080';

async function resolvePrefetchKey(query: string): Promise<unknown> {
  const [path = '', search] = query.split('?');
  if (search !== undefined) {
    const posted = await fetch(`${fhirServer}/${path}/_search`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: search,
    });
    if (posted.ok) return posted.json();
  }
  const got = await fetch(`${fhirServer}/${query}`, { headers: { Accept: 'application/json' } });
  return got.ok ? got.json() : undefined;
}

async function main(): Promise<void> {
  const patientId = process.argv[2];
  const override = process.argv.find((arg) => arg.startsWith('--override='))?.slice('--override='.length);
  if (!patientId || patientId.startsWith('--')) {
    process.stderr.write('usage: npx tsx demo/sandbox-call.ts <patientId> [--override=<reason code>]\n');
    process.exit(2);
  }
  // Drafts are dated now: the demo's records were dated when it started, a moment ago.
  const patient: DemoPatient | undefined = buildDemoPatients(new Date()).find(
    (entry) => entry.id === patientId,
  );
  const hook = patient?.hook ?? 'patient-view';
  const discovery = (await (
    await fetch(`${service}/cds-services`, { headers: { Origin: ORIGIN } })
  ).json()) as {
    services: { id: string; hook: string; prefetch?: Record<string, string> }[];
  };
  const definition = discovery.services.find((entry) => entry.id === SERVICE_ID_BY_HOOK[hook]);
  if (!definition) throw new Error(`discovery lists no ${SERVICE_ID_BY_HOOK[hook]} service`);

  const context = patient
    ? buildHookContext(patient)
    : { patientId, userId: `Practitioner/${DEMO_PRACTITIONER_ID}` };
  const prefetch: Record<string, unknown> = {};
  for (const [key, template] of Object.entries(definition.prefetch ?? {})) {
    const query = template
      .replaceAll('{{context.patientId}}', encodeURIComponent(patientId))
      .replaceAll('{{context.userId}}', encodeURIComponent(context.userId))
      .replaceAll('{{userPractitionerId}}', encodeURIComponent(DEMO_PRACTITIONER_ID));
    const resolved = await resolvePrefetchKey(query);
    if (resolved !== undefined) prefetch[key] = resolved;
  }

  const hookUrl = `${service}/cds-services/${definition.id}`;
  const response = await fetch(hookUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: ORIGIN },
    body: JSON.stringify({ hookInstance: randomUUID(), hook, fhirServer, context, prefetch }),
  });
  const drafts = patient?.drafts.length ? `, ${patient.drafts.length} draft order(s)` : '';
  process.stdout.write(
    `POST ${hookUrl} (${hook}${drafts}; prefetch keys: ${Object.keys(prefetch).join(', ')}) → ${response.status}\n`,
  );
  const body = (await response.json()) as { cards?: Card[] };
  const cards = body.cards ?? [];
  if (cards.length === 0) process.stdout.write('no cards\n');
  for (const card of cards) {
    process.stdout.write(
      `\n[${card.indicator}] ${card.source.topic?.code ?? '(no topic)'}  card ${card.uuid ?? '(no uuid)'}\n  ${card.summary}\n`,
    );
    for (const reason of card.overrideReasons ?? []) {
      process.stdout.write(
        `  override reason: ${reason.code} (${reason.display ?? ''}) system ${reason.system ?? '-'}\n`,
      );
    }
  }

  const card = cards[0];
  if (override === undefined || card?.uuid === undefined) return;
  const reason = card.overrideReasons?.find((entry) => entry.code === override);
  const feedback = {
    feedback: [
      {
        card: card.uuid,
        outcome: 'overridden',
        outcomeTimestamp: new Date().toISOString(),
        overrideReason: {
          reason: { code: override, system: reason?.system ?? 'urn:ln-cds-hooks:override-reason' },
        },
      },
    ],
  };
  const sent = await fetch(`${hookUrl}/feedback`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/plain, */*',
      Origin: ORIGIN,
    },
    body: JSON.stringify(feedback),
  });
  process.stdout.write(`\nPOST ${hookUrl}/feedback (overridden: ${override}) → ${sent.status}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `sandbox-call: ${error instanceof Error ? error.message : String(error)} (is npm run demo running?)\n`,
  );
  process.exit(1);
});
