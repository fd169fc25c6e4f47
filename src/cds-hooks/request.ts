/**
 * A CDS Hooks 2.0 request (https://cds-hooks.hl7.org/2.0/#http-request) and each hook's context,
 * as they are after validation: the HTTP layer checks them, the FHIR layer reads them.
 */
export interface FhirAuthorization {
  readonly access_token: string;
  readonly token_type: string;
  readonly expires_in: number;
  readonly scope: string;
  readonly subject: string;
  readonly patient?: string;
}

export interface BundleLike {
  readonly resourceType: 'Bundle';
  readonly entry?: readonly { readonly resource?: Record<string, unknown> }[];
}

export interface HookContext {
  readonly userId?: string;
  readonly patientId: string;
  readonly encounterId?: string;
  readonly selections?: readonly string[];
  readonly draftOrders?: BundleLike;
  /** medication-prescribe (deprecated hook): a Bundle, or in CDS Hooks 1.0 an array. */
  readonly medications?: BundleLike | readonly Record<string, unknown>[];
}

export interface HookRequest {
  readonly hook: string;
  readonly hookInstance: string;
  readonly fhirServer?: string;
  readonly fhirAuthorization?: FhirAuthorization;
  readonly context: HookContext;
  readonly prefetch?: Readonly<Record<string, unknown>>;
}
