import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The state of the demo SMART authorization server (dev/smart-auth-server.ts): launch contexts,
 * authorization codes and access tokens, in memory. Development only.
 *
 * Lifetimes follow common EHR practice: a launch lives long enough for the user to click the
 * card's link more than once (the CDS Hooks Sandbox asks for one launch per link and reuses it);
 * a code is single-use and short-lived (RFC 6749 §4.1.2, "10 minutes maximum"); a token lives an
 * hour and is not refreshable (no refresh_token is issued).
 */
export interface LaunchContext {
  readonly patient: string;
  /** The card link's appContext, returned unchanged in the token response (SMART App Launch 2.x). */
  readonly appContext?: string;
  readonly smartMessagingOrigin?: string;
  /** Returned in the token response: the CDS Hooks Sandbox, launched as a SMART app, adds the
   *  services of this discovery URL by itself (its smart-launch.js reads `serviceDiscoveryURL`). */
  readonly serviceDiscoveryURL?: string;
}

export interface TokenGrant {
  readonly clientId: string;
  readonly scope: string;
  readonly patient: string;
  readonly appContext?: string;
  readonly expiresAt: number;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
  readonly patient: string;
  readonly appContext?: string;
  readonly need_patient_banner: boolean;
  readonly serviceDiscoveryURL?: string;
}

interface CodeGrant {
  readonly launch: LaunchContext;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  /** Absent only for a client registered without PKCE (the Sandbox's pre-2.0 fhir-client.js). */
  readonly codeChallenge?: string;
  readonly expiresAt: number;
}

export type RedeemResult =
  { readonly ok: true; readonly token: TokenResponse } | { readonly ok: false; readonly description: string };

export const LAUNCH_LIFETIME_MS = 60 * 60_000;
export const CODE_LIFETIME_MS = 60_000;
export const TOKEN_LIFETIME_S = 3600;

/**
 * The scopes this server can honour, out of those requested: `launch`, and patient-level read and
 * search (SMART v2 `patient/Type.rs`, or v1 `patient/Type.read`). It issues no id_token, no
 * refresh token and no user context, so `openid`, `fhirUser`, `offline_access` and `user/*` are
 * left out — the token response's `scope` says what was granted (SMART App Launch 2.x §2.0.6).
 */
export function grantScopes(requested: string): string {
  const granted: string[] = [];
  for (const scope of requested.split(/\s+/)) {
    if (scope === 'launch' || scope === 'launch/patient') granted.push(scope);
    const match = /^patient\/([A-Za-z]+|\*)\.(.+)$/.exec(scope);
    if (match === null) continue;
    const [, type, permissions = ''] = match;
    if (/^[cruds]+$/.test(permissions)) {
      const readSearch = permissions.replace(/[cud]/g, '');
      if (readSearch !== '') granted.push(`patient/${type}.${readSearch}`);
    } else if (permissions === 'read' || permissions === '*') granted.push(`patient/${type}.read`);
  }
  return [...new Set(granted)].join(' ');
}

/** Whether a granted scope lets the token read (`r`) or search (`s`) resources of this type. */
export function scopeAllows(scope: string, type: string, interaction: 'r' | 's'): boolean {
  return scope.split(' ').some((entry) => {
    const match = /^patient\/([A-Za-z]+|\*)\.([a-z]+)$/.exec(entry);
    if (match === null || (match[1] !== type && match[1] !== '*')) return false;
    return match[2] === 'read' || (match[2] ?? '').includes(interaction);
  });
}

function newSecret(): string {
  return randomBytes(24).toString('base64url');
}

/** RFC 7636 §4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
export function matchesS256Challenge(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

export class SmartGrants {
  private readonly launches = new Map<string, LaunchContext & { expiresAt: number }>();
  private readonly codes = new Map<string, CodeGrant>();
  /** Codes already redeemed, and the token each gave: a replay revokes it (RFC 6749 §4.1.2). */
  private readonly redeemed = new Map<string, string | undefined>();
  private readonly tokens = new Map<string, TokenGrant>();

  constructor(private readonly now: () => number = Date.now) {}

  createLaunch(context: LaunchContext, lifetimeMs = LAUNCH_LIFETIME_MS): string {
    const id = newSecret();
    this.launches.set(id, { ...context, expiresAt: this.now() + lifetimeMs });
    return id;
  }

  findLaunch(id: string): LaunchContext | undefined {
    const launch = this.launches.get(id);
    if (launch === undefined || launch.expiresAt <= this.now()) return undefined;
    return launch;
  }

  issueCode(grant: Omit<CodeGrant, 'expiresAt'>): string {
    const code = newSecret();
    this.codes.set(code, { ...grant, expiresAt: this.now() + CODE_LIFETIME_MS });
    return code;
  }

  /** The token endpoint's checks (RFC 6749 §4.1.3, RFC 7636 §4.6); every failure is invalid_grant. */
  redeemCode(request: {
    code: string;
    clientId: string;
    redirectUri: string;
    codeVerifier: string | undefined;
  }): RedeemResult {
    if (this.redeemed.has(request.code)) {
      const token = this.redeemed.get(request.code);
      if (token !== undefined) this.tokens.delete(token);
      return { ok: false, description: 'authorization code already used; its token is revoked' };
    }
    const grant = this.codes.get(request.code);
    if (grant === undefined) return { ok: false, description: 'unknown authorization code' };
    // Single use whatever the outcome: a wrong verifier must not leave the code open to guessing.
    this.codes.delete(request.code);
    this.redeemed.set(request.code, undefined);
    if (grant.expiresAt <= this.now()) return { ok: false, description: 'authorization code expired' };
    if (grant.clientId !== request.clientId)
      return { ok: false, description: 'code was issued to another client' };
    if (grant.redirectUri !== request.redirectUri)
      return { ok: false, description: 'redirect_uri differs from the authorization request' };
    if (grant.codeChallenge !== undefined) {
      if (request.codeVerifier === undefined) return { ok: false, description: 'code_verifier is required' };
      if (!matchesS256Challenge(request.codeVerifier, grant.codeChallenge))
        return { ok: false, description: 'code_verifier does not match the code_challenge (S256)' };
    }

    const accessToken = newSecret();
    this.redeemed.set(request.code, accessToken);
    const { patient, appContext, serviceDiscoveryURL } = grant.launch;
    this.tokens.set(accessToken, {
      clientId: grant.clientId,
      scope: grant.scope,
      patient,
      ...(appContext !== undefined ? { appContext } : {}),
      expiresAt: this.now() + TOKEN_LIFETIME_S * 1000,
    });
    return {
      ok: true,
      token: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_S,
        scope: grant.scope,
        patient,
        ...(appContext !== undefined ? { appContext } : {}),
        // The Sandbox opens the app in a tab of its own, outside any EHR frame showing a banner.
        need_patient_banner: true,
        ...(serviceDiscoveryURL !== undefined ? { serviceDiscoveryURL } : {}),
      },
    };
  }

  findToken(accessToken: string): TokenGrant | undefined {
    const grant = this.tokens.get(accessToken);
    if (grant === undefined || grant.expiresAt <= this.now()) return undefined;
    return grant;
  }
}
