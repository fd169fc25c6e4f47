import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import express from 'express';
import type { MemoryFhirServer } from './memory-fhir-server';
import { grantScopes, SmartGrants, type LaunchContext } from './smart-auth-grants';
import { buildCapabilityStatement, buildSmartConfiguration } from './smart-auth-discovery';
import { proxyFhirRequest } from './smart-auth-fhir-proxy';

/**
 * A minimal SMART App Launch 2.x authorization server in front of the demo's FHIR server, so the
 * timeline app's EHR launch (`launch` + `iss`) can be tried without an EHR. DEVELOPMENT ONLY:
 * every authorization request is approved without a login, state lives in memory, and any
 * browser origin may call it. Never imported by src/.
 *
 * It has a FHIR base of its own (`{url}/fhir`) because publishing a smart-configuration makes
 * every client that launches with that `iss` go through OAuth; the demo FHIR server stays open.
 *
 * - `POST /fhir/_services/smart/Launch` — what the CDS Hooks Sandbox calls before opening a card's
 *   SMART link (its launch-context-retrieval.js): `{launchUrl, parameters: {patient, appContext?,
 *   smart_messaging_origin?}}` → `{launch_id}`.
 * - `GET /auth/authorize` — EHR launch only (a known `launch` is required), PKCE S256 required.
 * - `POST /auth/token` — authorization_code grant for public clients; answers `patient` and the
 *   launch's `appContext`.
 * - The CDS Hooks Sandbox may be registered as a client too (SANDBOX_CLIENT_IDS): launched with this
 *   `iss` it holds a token, reads the records through it, and asks the Launch endpoint for a
 *   launch before opening a card's SMART link — the EHR-launch path of the timeline app.
 * - `/fhir/*` — reads and searches passed to the FHIR server behind, with one of its tokens, in
 *   the token's patient compartment only.
 */
export interface SmartClient {
  readonly clientId: string;
  /** redirect_uri must start with one of these (after URL normalisation). */
  readonly redirectPrefixes: readonly string[];
  /**
   * `required` (default): S256 as SMART App Launch 2.x requires of every app. `optional` only for
   * the CDS Hooks Sandbox, whose fhir-client.js predates PKCE and cannot send it.
   */
  readonly pkce?: 'required' | 'optional';
}

export interface SmartAuthServerOptions {
  /** The FHIR server behind: the demo's memory server or its base URL. */
  readonly fhir: MemoryFhirServer | string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** Host name in the URLs it publishes (default `localhost`, as the demo prints its servers). */
  readonly publicHost?: string;
  /** Registered clients (default: the timeline app, ln-cds-hooks-timeline, under allowedRedirectPrefix). */
  readonly clients?: readonly SmartClient[];
  /** Where the timeline app lives, for the default client (default `http://localhost:3000/app/`). */
  readonly allowedRedirectPrefix?: string;
  /** The clock, for code and token expiry. */
  readonly now?: () => number;
}

export interface SmartAuthServer {
  /** The `iss` of an EHR launch, e.g. `http://localhost:8082/fhir`. */
  readonly fhirBaseUrl: string;
  readonly authorizeUrl: string;
  readonly tokenUrl: string;
  /** Create a launch context as the Launch endpoint does (tests; the demo's printed Sandbox link,
   *  which must outlive the default hour). */
  createLaunch(context: LaunchContext, lifetimeMs?: number): string;
  close(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = 'ln-cds-hooks-timeline';

/** The CDS Hooks Sandbox's client ids when it is itself SMART-launched (its src/config/fhir-config.js):
 *  the hosted Sandbox, and a local build on http://localhost:8080. */
export const SANDBOX_CLIENT_IDS = [
  '48163c5e-88b5-4cb3-92d3-23b800caa927',
  '99407c8a-3069-41b1-af07-2612bc1f99de',
];

function isUnder(uri: string, prefix: string): boolean {
  try {
    const target = new URL(uri);
    const base = new URL(prefix);
    return target.hash === '' && target.origin === base.origin && target.pathname.startsWith(base.pathname);
  } catch {
    return false;
  }
}

function param(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function oauthError(res: express.Response, status: number, error: string, description: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error, error_description: description });
}

export function createSmartAuthApp(options: {
  fhirBaseUrl: string;
  tokenUrl: string;
  authorizeUrl: string;
  upstream: string;
  clients: readonly SmartClient[];
  grants: SmartGrants;
}): express.Express {
  const { fhirBaseUrl, grants, clients } = options;
  const app = express();
  app.disable('x-powered-by');
  // Bearer tokens, not cookies: any origin may call (the Sandbox's, the app's) without credentials.
  app.use((req, res, next) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Max-Age', '600');
    if (req.method === 'OPTIONS') res.status(204).end();
    else next();
  });

  app.get('/fhir/.well-known/smart-configuration', (_req, res) => {
    res.json(buildSmartConfiguration(options));
  });
  // Open, as on any SMART server; pre-2.0 clients (the Sandbox's fhir-client.js) read it.
  app.get('/fhir/metadata', (_req, res) => {
    res.type('application/fhir+json').send(JSON.stringify(buildCapabilityStatement(options)));
  });

  app.post('/fhir/_services/smart/Launch', express.json(), (req, res) => {
    // A token the Sandbox holds must be one of ours; without one (open demo) the launch is allowed.
    const authorization = req.headers.authorization;
    if (
      authorization !== undefined &&
      grants.findToken(authorization.replace(/^Bearer\s+/i, '')) === undefined
    ) {
      oauthError(res, 401, 'invalid_token', 'unknown or expired access token');
      return;
    }
    const body = (req.body ?? {}) as { parameters?: Record<string, unknown> };
    const patient = param(body.parameters?.patient);
    if (patient === undefined) {
      oauthError(res, 400, 'invalid_request', 'parameters.patient is required');
      return;
    }
    const appContext = param(body.parameters?.appContext);
    const origin = param(body.parameters?.smart_messaging_origin);
    const launchId = grants.createLaunch({
      patient,
      ...(appContext !== undefined ? { appContext } : {}),
      ...(origin !== undefined ? { smartMessagingOrigin: origin } : {}),
    });
    res.json({ launch_id: launchId });
  });

  app.get('/auth/authorize', (req, res) => {
    const query = req.query as Record<string, unknown>;
    const clientId = param(query.client_id);
    const redirectUri = param(query.redirect_uri);
    const client = clients.find((candidate) => candidate.clientId === clientId);
    // RFC 6749 §4.1.2.1: with an unknown client or redirect_uri, tell the user, never redirect.
    if (client === undefined || redirectUri === undefined) {
      res.status(400).type('text/plain').send('Unknown client_id or missing redirect_uri.');
      return;
    }
    if (!client.redirectPrefixes.some((prefix) => isUnder(redirectUri, prefix))) {
      res.status(400).type('text/plain').send(`redirect_uri is not registered for ${client.clientId}.`);
      return;
    }
    const state = param(query.state);
    const fail = (error: string, description: string): void => {
      const target = new URL(redirectUri);
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', description);
      if (state !== undefined) target.searchParams.set('state', state);
      res.redirect(302, target.toString());
    };
    if (query.response_type !== 'code')
      return fail('unsupported_response_type', 'response_type must be code');
    if (state === undefined) return fail('invalid_request', 'state is required');
    if (param(query.aud)?.replace(/\/+$/, '') !== fhirBaseUrl)
      return fail('invalid_request', `aud must be the FHIR base URL ${fhirBaseUrl}`);
    const launchId = param(query.launch);
    const launch = launchId === undefined ? undefined : grants.findLaunch(launchId);
    if (launch === undefined)
      return fail('invalid_request', 'a known launch is required (EHR launch only; launches last an hour)');
    const codeChallenge = param(query.code_challenge);
    const withoutPkce = codeChallenge === undefined && query.code_challenge_method === undefined;
    if (
      !(withoutPkce && client.pkce === 'optional') &&
      (query.code_challenge_method !== 'S256' || codeChallenge === undefined)
    )
      return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
    const scope = grantScopes(param(query.scope) ?? '');
    const code = grants.issueCode({
      launch,
      clientId: client.clientId,
      redirectUri,
      scope,
      ...(codeChallenge !== undefined ? { codeChallenge } : {}),
    });
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', state);
    res.redirect(302, target.toString());
  });

  app.post('/auth/token', express.urlencoded({ extended: false }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.grant_type !== 'authorization_code') {
      oauthError(res, 400, 'unsupported_grant_type', 'only authorization_code is supported');
      return;
    }
    const code = param(body.code);
    const clientId = param(body.client_id);
    const redirectUri = param(body.redirect_uri);
    const codeVerifier = param(body.code_verifier);
    if (code === undefined || clientId === undefined || redirectUri === undefined) {
      oauthError(res, 400, 'invalid_request', 'code, client_id and redirect_uri are required');
      return;
    }
    const result = grants.redeemCode({ code, clientId, redirectUri, codeVerifier });
    if (!result.ok) {
      oauthError(res, 400, 'invalid_grant', result.description);
      return;
    }
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(result.token);
  });

  app.all('/fhir/{*rest}', express.urlencoded({ extended: false }), (req, res) =>
    proxyFhirRequest(req, res, { upstream: options.upstream, fhirBaseUrl, grants }),
  );
  return app;
}

/** Start it on a port; the demo and the browser tests call this in-process. */
export async function startSmartAuthServer(options: SmartAuthServerOptions): Promise<SmartAuthServer> {
  const host = options.host ?? '127.0.0.1';
  const grants = new SmartGrants(options.now);
  const upstream = (typeof options.fhir === 'string' ? options.fhir : options.fhir.url).replace(/\/+$/, '');
  const clients = options.clients ?? [
    {
      clientId: DEFAULT_CLIENT_ID,
      redirectPrefixes: [options.allowedRedirectPrefix ?? 'http://localhost:3000/app/'],
    },
  ];
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const root = `http://${options.publicHost ?? 'localhost'}:${port}`;
  const fhirBaseUrl = `${root}/fhir`;
  const authorizeUrl = `${root}/auth/authorize`;
  const tokenUrl = `${root}/auth/token`;
  // The URLs it publishes name the port, known only once it listens; nobody can call it before.
  server.on(
    'request',
    createSmartAuthApp({ fhirBaseUrl, authorizeUrl, tokenUrl, upstream, clients, grants }),
  );
  return {
    fhirBaseUrl,
    authorizeUrl,
    tokenUrl,
    createLaunch: (context, lifetimeMs) => grants.createLaunch(context, lifetimeMs),
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
