import { existsSync } from 'node:fs';
import { loadConfig, type Env } from '../config';
import { formatFeedbackReportTable } from '../store/feedback-report';
import { openStore } from '../store/open-store';
import { adminHeaders, readAdminToken } from './admin-token';
import type { FeedbackReport } from '../store/store';

/**
 * `npm run feedback-report [-- --json] [-- --url http://127.0.0.1:3000]` (in a container:
 * `node dist/cli/feedback-report.js`). Per rule: cards issued, accepted, overridden and the
 * override reasons with counts.
 *
 * Embedded PGlite serves one connection per data directory, so while the service runs the report
 * is asked of it (GET /admin/feedback-report, answered to loopback callers only); when nothing
 * answers, the store is opened directly. With DATABASE_URL PostgreSQL is read directly.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly fetch: typeof fetch;
}

const USAGE = `usage: feedback-report [--json] [--url <service base URL>]
  --json   print the report as JSON (for machines)
  --url    where the running service listens (default http://127.0.0.1:$PORT, PORT default 3000)
environment: DATABASE_URL (PostgreSQL, read directly), CDS_DATA_DIR (embedded store, default data/pglite),
             CDS_ADMIN_TOKEN (the administration token, when the service has CDS_ADMIN_TOKEN_SHA256)\n`;

interface Options {
  readonly json: boolean;
  readonly url?: string;
}

function parseArgs(argv: readonly string[]): Options | string {
  let json = false;
  let url: string | undefined;
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--json') json = true;
    else if (arg === '--url') {
      url = argv[index + 1];
      index += 1;
      if (url === undefined) return '--url needs a value';
    } else if (arg === '--help' || arg === '-h') return '';
    else return `unknown argument ${arg ?? ''}`;
  }
  return { json, ...(url === undefined ? {} : { url }) };
}

function isFeedbackReport(value: unknown): value is FeedbackReport {
  if (typeof value !== 'object' || value === null) return false;
  const { generatedAt, rules } = value as Record<string, unknown>;
  return typeof generatedAt === 'string' && Array.isArray(rules);
}

/** The running service's report, or why it could not be had (nothing listening, not us…). */
async function askService(baseUrl: string, token: string | undefined, io: CliIo): Promise<FeedbackReport | string> {
  let response: Response;
  try {
    response = await io.fetch(`${baseUrl.replace(/\/+$/, '')}/admin/feedback-report`, {
      signal: AbortSignal.timeout(5_000),
      headers: adminHeaders(token, 'application/json'),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return `${baseUrl} unreachable (${typeof cause?.code === 'string' ? cause.code : String(error)})`;
  }
  // The service is there and holds the store: opening it directly would only meet its lock.
  if (response.status === 401 || response.status === 403) {
    throw new Error(`${baseUrl} answered ${response.status}: give the administration token in CDS_ADMIN_TOKEN`);
  }
  if (!response.ok) return `${baseUrl} answered ${response.status}`;
  const body: unknown = await response.json().catch(() => undefined);
  return isFeedbackReport(body) ? body : `${baseUrl} did not answer with a feedback report`;
}

async function readStoreDirectly(databaseUrl: string | undefined, dataDir: string): Promise<FeedbackReport> {
  const store = await openStore({
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    pgliteDataDir: dataDir,
    now: () => new Date(),
    onBackgroundError: () => undefined,
  });
  try {
    return await store.feedbackReport();
  } finally {
    await store.close();
  }
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
      report = await readStoreDirectly(config.databaseUrl, config.dataDir);
    } else {
      const baseUrl = options.url ?? `http://127.0.0.1:${config.port}`;
      const answer = await askService(baseUrl, readAdminToken(undefined, env), io);
      if (typeof answer !== 'string') {
        io.stderr(`feedback report from the running service at ${baseUrl}\n`);
        report = answer;
      } else if (!existsSync(config.dataDir)) {
        io.stderr(`no running service (${answer}) and no embedded store at ${config.dataDir}\n`);
        return 1;
      } else {
        io.stderr(`no running service (${answer}); reading ${config.dataDir} directly\n`);
        report = await readStoreDirectly(undefined, config.dataDir);
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

if (require.main === module) {
  runFeedbackReport(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    fetch,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`feedback-report: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
