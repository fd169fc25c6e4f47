import type { RequestHandler } from 'express';
import { isFhirServerAllowed } from '../auth/fhir-server-policy';
import { createJwtVerifier } from '../auth/jwt-verifier';
import type { AuthMode, ClientRegistration } from '../auth/client-registration';
import type { FetchLike } from '../auth/remote-key-set';
import { createMemoryReplayCache, type ReplayCache } from '../auth/replay-cache';
import type { Logger } from '../logging/logger';
import { authenticatedClientOf, createAuthenticate } from './authenticate';

/** The settings client trust is built from (CDS_AUTH, NODE_ENV, CDS_CLIENTS_FILE, CDS_PUBLIC_URL). */
export interface ClientTrustSettings {
  readonly auth: AuthMode;
  readonly production: boolean;
  readonly clients: readonly ClientRegistration[];
  /** The JWT `aud` is this + the path called. */
  readonly publicUrl: string;
}

export interface ClientTrustDeps {
  readonly config: ClientTrustSettings;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Fetches registered jwksUrls; defaults to the global fetch. */
  readonly fetch?: FetchLike;
  /** Defaults to an in-memory cache: right for one replica, not for several. */
  readonly replayCache?: ReplayCache;
}

export interface ClientTrust {
  /** Present when CDS_AUTH=required: guards discovery, hooks and feedback. */
  readonly authenticate?: RequestHandler;
  /** Whether this request may make the service contact `fhirServer` (src/auth/fhir-server-policy.ts). */
  readonly isFhirServerAllowed: (fhirServer: string, locals: Record<string, unknown>) => boolean;
}

/** Who may call (CDS_AUTH, CDS_CLIENTS_FILE) and which FHIR servers each caller may name. */
export function createClientTrust(deps: ClientTrustDeps): ClientTrust {
  const { config } = deps;
  const allowServer = (fhirServer: string, locals: Record<string, unknown>): boolean =>
    isFhirServerAllowed(fhirServer, authenticatedClientOf(locals), config);
  if (config.auth === 'off') return { isFhirServerAllowed: allowServer };
  const verifier = createJwtVerifier({
    clients: config.clients,
    publicUrl: config.publicUrl,
    replayCache: deps.replayCache ?? createMemoryReplayCache({ now: deps.now }),
    now: deps.now,
    fetch: deps.fetch ?? globalThis.fetch,
  });
  return { authenticate: createAuthenticate({ verifier, logger: deps.logger }), isFhirServerAllowed: allowServer };
}
