import type { RequestHandler } from 'express';
import { isFhirServerAllowed } from '../auth/fhir-server-policy';
import { createJwtVerifier } from '../auth/jwt-verifier';
import type { FetchLike } from '../auth/remote-key-set';
import { createMemoryReplayCache, type ReplayCache } from '../auth/replay-cache';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { authenticatedClientOf, createAuthenticate } from './authenticate';

export interface ClientTrustDeps {
  readonly config: Pick<Config, 'auth' | 'production' | 'clients' | 'publicUrl'>;
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
