import type { JWK } from 'jose';

/** Whether every call needs a CDS client JWT (CDS_AUTH, service-contract.md). */
export type AuthMode = 'required' | 'off';

/** Where a client's public keys come from: exactly one of an inline JWK Set or a JWKS URL. */
export type KeySource =
  | { readonly kind: 'inline'; readonly jwks: { readonly keys: readonly JWK[] } }
  | { readonly kind: 'remote'; readonly jwksUrl: string };

export interface ClientRegistration {
  readonly iss: string;
  readonly keySource: KeySource;
  /** Normalised URL prefixes (`URL.href`, no trailing slash) this client's `fhirServer` may match. */
  readonly fhirServers: readonly string[];
  /** When set, every JWT from this client must carry exactly this `tenant` claim. */
  readonly tenant?: string;
}
