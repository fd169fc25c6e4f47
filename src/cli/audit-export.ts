import { existsSync } from 'node:fs';
import { loadConfig, type Env } from '../config';
import { readPackageVersion } from '../config/package-version';
import { AUDIT_EXPORT_MAX_ENTRIES, auditQuery, buildAuditBundle, type AuditPage } from '../store/audit-bundle';
import { parseAuditPeriod } from '../store/audit-period';
import { adminHeaders, readAdminToken } from './admin-token';
import { readStoreDirectly, runAsScript, unreachable, type CliIo } from './store-tool';

/**
 * `npm run audit-export -- --since <instant> --until <instant>` (in a container:
 * `node dist/cli/audit-export.js …`): the audit trail of [since, until) as the FHIR R4 Bundle of
 * AuditEvents that GET /admin/audit answers, on stdout (docs/governance.md "Audit export").
 *
 * As for the feedback report, the embedded store is asked of the running service when one holds
 * it, with the administration token (--token-file or CDS_ADMIN_TOKEN) when it needs one; when
 * nothing answers, the store is opened directly. With DATABASE_URL PostgreSQL is read directly.
 */
const USAGE = `usage: audit-export --since <instant> --until <instant> [--after <uuid>] [--url <base URL>] [--token-file <file>]
  --since, --until  the period [since, until), FHIR instants such as 2026-03-03T00:00:00Z
  --after           continue a period after this card uuid (from the Bundle's next link)
  --url             where the running service listens (default http://127.0.0.1:$PORT, PORT default 3000)
  --token-file      file whose first line is the administration token (else CDS_ADMIN_TOKEN)
environment: DATABASE_URL (PostgreSQL, read directly), CDS_DATA_DIR (embedded store, default data/pglite),
             CDS_PUBLIC_URL (base of the Bundle's links), CDS_ADMIN_TOKEN\n`;

const VALUED = ['--since', '--until', '--after', '--url', '--token-file'] as const;
type Valued = (typeof VALUED)[number];

function parseArgs(argv: readonly string[]): Partial<Record<Valued, string>> | string {
  const options: Partial<Record<Valued, string>> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--help' || arg === '-h') return '';
    const name = VALUED.find((candidate) => candidate === arg);
    if (name === undefined) return `unknown argument ${arg ?? ''}`;
    const value = argv[index + 1];
    if (value === undefined) return `${name} needs a value`;
    options[name] = value;
    index += 1;
  }
  return options;
}

function isBundle(value: unknown): value is fhir4.Bundle {
  return typeof value === 'object' && value !== null && (value as { resourceType?: unknown }).resourceType === 'Bundle';
}

/** The running service's Bundle; `refused` when it answered but would not give it. */
async function askService(
  baseUrl: string,
  page: AuditPage,
  token: string | undefined,
  io: CliIo,
): Promise<fhir4.Bundle | { readonly refused?: string; readonly unreachable?: string }> {
  let response: Response;
  try {
    response = await io.fetch(`${baseUrl.replace(/\/+$/, '')}/admin/audit?${auditQuery(page)}`, {
      signal: AbortSignal.timeout(60_000),
      headers: adminHeaders(token, 'application/fhir+json'),
    });
  } catch (error) {
    return { unreachable: unreachable(baseUrl, error) };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isBundle(body)) return body;
  const text = (body as { issue?: { details?: { text?: unknown } }[] } | undefined)?.issue?.[0]?.details?.text;
  const hint = response.status === 401 || response.status === 403 ? ' (give the administration token: --token-file or CDS_ADMIN_TOKEN)' : '';
  return { refused: `${baseUrl} answered ${response.status}${typeof text === 'string' ? `: ${text}` : ''}${hint}` };
}

function readBundle(databaseUrl: string | undefined, dataDir: string, page: AuditPage, baseUrl: string): Promise<fhir4.Bundle> {
  return readStoreDirectly(databaseUrl, dataDir, async (store) => {
    const cards = await store.auditTrail({ ...page, limit: AUDIT_EXPORT_MAX_ENTRIES + 1 });
    const service = { name: 'ln-cds-hooks', version: readPackageVersion(), baseUrl };
    return buildAuditBundle({ cards, page, service, generatedAt: new Date() });
  });
}

export async function runAuditExport(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    io.stderr(options === '' ? USAGE : `${options}\n${USAGE}`);
    return options === '' ? 0 : 2;
  }
  const page = parseAuditPeriod({ since: options['--since'], until: options['--until'], after: options['--after'] });
  if (typeof page === 'string') {
    io.stderr(`${page}\n${USAGE}`);
    return 2;
  }
  let bundle: fhir4.Bundle;
  try {
    // Only the settings the export needs: the rest of the service's configuration is irrelevant here.
    const config = loadConfig({
      DATABASE_URL: env.DATABASE_URL,
      CDS_DATA_DIR: env.CDS_DATA_DIR,
      PORT: env.PORT,
      CDS_PUBLIC_URL: env.CDS_PUBLIC_URL,
    });
    if (config.databaseUrl !== undefined) {
      bundle = await readBundle(config.databaseUrl, config.dataDir, page, config.publicUrl);
    } else {
      const baseUrl = options['--url'] ?? `http://127.0.0.1:${config.port}`;
      const answer = await askService(baseUrl, page, readAdminToken(options['--token-file'], env), io);
      if (isBundle(answer)) {
        io.stderr(`audit export from the running service at ${baseUrl}\n`);
        bundle = answer;
      } else if (answer.refused !== undefined) {
        io.stderr(`audit-export: ${answer.refused}\n`);
        return 1;
      } else if (!existsSync(config.dataDir)) {
        io.stderr(`no running service (${answer.unreachable ?? ''}) and no embedded store at ${config.dataDir}\n`);
        return 1;
      } else {
        io.stderr(`no running service (${answer.unreachable ?? ''}); reading ${config.dataDir} directly\n`);
        bundle = await readBundle(undefined, config.dataDir, page, config.publicUrl);
      }
    }
  } catch (error) {
    io.stderr(`audit-export: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const next = bundle.link?.find((link) => link.relation === 'next')?.url;
  if (next !== undefined) {
    const query = new URL(next).searchParams;
    io.stderr(
      `more than ${bundle.entry?.length ?? 0} events in the period: continue with --since ${query.get('since') ?? ''} --until ${query.get('until') ?? ''} --after ${query.get('after') ?? ''}\n`,
    );
  }
  io.stdout(`${JSON.stringify(bundle, null, 2)}\n`);
  return 0;
}

if (require.main === module) runAsScript('audit-export', runAuditExport);
