import { existsSync } from 'node:fs';
import { loadConfig, type Env } from '../config';
import { formatFeedbackReportTable } from '../store/feedback-report';
import { adminHeaders, readAdminToken } from './admin-token';
import { readStoreDirectly, runAsScript, unreachable, type CliIo } from './store-tool';
import { parseReportQuery } from '../store/report-query';
import type { FeedbackReport, FeedbackReportQuery } from '../store/store';

/**
 * `npm run feedback-report -- [--since 2026-06-01] [--until 2026-06-30] [--tenant north] [--json]
 * [--url http://127.0.0.1:3000]` (in a container: `node dist/cli/feedback-report.js`). Per rule:
 * cards shown, shadow findings, accepted, overridden, override rate and the override reasons with
 * counts — the quality console's numbers; with --json also its daily series.
 *
 * Embedded PGlite serves one connection per data directory, so while the service runs the report
 * is asked of it (GET /admin/feedback-report, answered to loopback callers only); when nothing
 * answers, the store is opened directly. With DATABASE_URL PostgreSQL is read directly.
 */
const USAGE = `usage: feedback-report [--since <day|instant>] [--until <day|instant>] [--tenant <name>] [--json] [--url <service base URL>]
  --since  first day (2026-06-01, UTC) or instant (2026-06-01T00:00:00Z) of the cards counted
  --until  last day, included (2026-06-30), or instant, excluded
  --tenant only calls from this tenant's clients (CDS_CLIENTS_FILE)
  --json   print the report as JSON (for machines)
  --url    where the running service listens (default http://127.0.0.1:$PORT, PORT default 3000)
environment: DATABASE_URL (PostgreSQL, read directly), CDS_DATA_DIR (embedded store, default data/pglite),
             CDS_ADMIN_TOKEN (the administration token, when the service has CDS_ADMIN_TOKEN_SHA256)\n`;

interface Options {
  readonly json: boolean;
  readonly url?: string;
  /** The period and tenant as given (sent to the service as they are). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: FeedbackReportQuery;
}

const QUERY_OPTIONS = new Set(['--since', '--until', '--tenant']);

function parseArgs(argv: readonly string[]): Options | string {
  let json = false;
  let url: string | undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--json') json = true;
    else if (arg !== undefined && QUERY_OPTIONS.has(arg)) {
      const value = argv[index + 1];
      index += 1;
      if (value === undefined) return `${arg} needs a value`;
      params[arg.slice(2)] = value;
    } else if (arg === '--url') {
      url = argv[index + 1];
      index += 1;
      if (url === undefined) return '--url needs a value';
    } else if (arg === '--help' || arg === '-h') return '';
    else return `unknown argument ${arg ?? ''}`;
  }
  const query = parseReportQuery(params);
  if (typeof query === 'string') return query;
  return { json, params, query, ...(url === undefined ? {} : { url }) };
}

function isFeedbackReport(value: unknown): value is FeedbackReport {
  if (typeof value !== 'object' || value === null) return false;
  const { generatedAt, rules } = value as Record<string, unknown>;
  return typeof generatedAt === 'string' && Array.isArray(rules);
}

/** The running service's report, or why it could not be had (nothing listening, not us…). */
async function askService(
  baseUrl: string,
  params: Readonly<Record<string, string>>,
  token: string | undefined,
  io: CliIo,
): Promise<FeedbackReport | string> {
  const search = new URLSearchParams(params).toString();
  let response: Response;
  try {
    response = await io.fetch(`${baseUrl.replace(/\/+$/, '')}/admin/feedback-report${search === '' ? '' : `?${search}`}`, {
      signal: AbortSignal.timeout(5_000),
      headers: adminHeaders(token, 'application/json'),
    });
  } catch (error) {
    return unreachable(baseUrl, error);
  }
  // The service is there and holds the store: opening it directly would only meet its lock.
  if (response.status === 401 || response.status === 403) {
    throw new Error(`${baseUrl} answered ${response.status}: give the administration token in CDS_ADMIN_TOKEN`);
  }
  if (!response.ok) return `${baseUrl} answered ${response.status}`;
  const body: unknown = await response.json().catch(() => undefined);
  return isFeedbackReport(body) ? body : `${baseUrl} did not answer with a feedback report`;
}

function readReport(databaseUrl: string | undefined, dataDir: string, query: FeedbackReportQuery): Promise<FeedbackReport> {
  return readStoreDirectly(databaseUrl, dataDir, (store) => store.feedbackReport(query));
}

export async function runFeedbackReport(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const options = parseArgs(argv);
  if (typeof options === 'string') {
    io.stderr(options === '' ? USAGE : `${options}\n${USAGE}`);
    return options === '' ? 0 : 2;
  }
  // Only the settings the report needs: the rest of the service's configuration is irrelevant here.
  const config = loadConfig({
    DATABASE_URL: env.DATABASE_URL,
    CDS_DATA_DIR: env.CDS_DATA_DIR,
    PORT: env.PORT,
  });
  let report: FeedbackReport;
  try {
    if (config.databaseUrl !== undefined) {
      report = await readReport(config.databaseUrl, config.dataDir, options.query);
    } else {
      const baseUrl = options.url ?? `http://127.0.0.1:${config.port}`;
      const answer = await askService(baseUrl, options.params, readAdminToken(undefined, env), io);
      if (typeof answer !== 'string') {
        io.stderr(`feedback report from the running service at ${baseUrl}\n`);
        report = answer;
      } else if (!existsSync(config.dataDir)) {
        io.stderr(`no running service (${answer}) and no embedded store at ${config.dataDir}\n`);
        return 1;
      } else {
        io.stderr(`no running service (${answer}); reading ${config.dataDir} directly\n`);
        report = await readReport(undefined, config.dataDir, options.query);
      }
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`feedback-report: ${message}\n`);
    return 1;
  }
  io.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatFeedbackReportTable(report));
  return 0;
}

if (require.main === module) runAsScript('feedback-report', runFeedbackReport);
