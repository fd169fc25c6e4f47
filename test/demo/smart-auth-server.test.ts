import { createHash, randomBytes } from 'node:crypto';
import { startMemoryFhirServer, type MemoryFhirServer } from '../../dev/memory-fhir-server';
import {
  DEFAULT_CLIENT_ID,
  SANDBOX_CLIENT_IDS,
  startSmartAuthServer,
  type SmartAuthServer,
} from '../../dev/smart-auth-server';
import { buildDemoPatients, buildDemoResources } from '../../demo/patients';

/**
 * The demo's SMART authorization server as an EHR launch of the timeline app meets it: the CDS
 * Hooks Sandbox asks for a launch for a card's link, the app (fhirclient) authorizes with PKCE
 * S256, exchanges the code and reads the patient's record with the token. Loopback only.
 */
const NOW = new Date('2026-12-01T09:00:00Z');
const APP = 'http://localhost:3000/app/';
const SANDBOX = 'https://sandbox.cds-hooks.org';
const APP_CONTEXT = JSON.stringify({
  ruleCode: 'tacrolimus-trough-low',
  patientId: 'demo-tac-low',
  focus: ['Observation/demo-tac-low-obs5'],
});

let fhir: MemoryFhirServer;
let smart: SmartAuthServer;
let clock = NOW.getTime();

beforeAll(async () => {
  fhir = await startMemoryFhirServer();
  await fhir.load(buildDemoResources(buildDemoPatients(NOW)));
  smart = await startSmartAuthServer({
    fhir,
    publicHost: '127.0.0.1',
    now: () => clock,
    clients: [
      { clientId: DEFAULT_CLIENT_ID, redirectPrefixes: [APP] },
      { clientId: SANDBOX_CLIENT_IDS[0] ?? '', redirectPrefixes: [`${SANDBOX}/`], pkce: 'optional' },
    ],
  });
});
afterAll(async () => {
  await smart.close();
  await fhir.close();
});
beforeEach(() => {
  clock = NOW.getTime();
});

/** What the Sandbox's launch-context-retrieval.js sends for a card's SMART link. */
async function sandboxLaunch(patient: string, appContext?: string): Promise<Response> {
  return fetch(`${smart.fhirBaseUrl}/_services/smart/Launch`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Origin: SANDBOX },
    body: JSON.stringify({
      launchUrl: `${APP}?rule=tacrolimus-trough-low`,
      parameters: { patient, smart_messaging_origin: SANDBOX, ...(appContext ? { appContext } : {}) },
    }),
  });
}

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The app's authorize redirect, as fhirclient builds it for `launch` + `iss`. */
function authorizeUrl(
  launch: string,
  challenge: string,
  overrides: Record<string, string | null> = {},
): string {
  const url = new URL(smart.authorizeUrl);
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: 'ln-cds-hooks-timeline',
    redirect_uri: APP,
    scope: 'launch openid fhirUser patient/Patient.rs patient/Observation.rs patient/MedicationRequest.rs',
    state: 'state-123',
    aud: smart.fhirBaseUrl,
    launch,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.set(name, value);
  return url.toString();
}

async function authorize(url: string): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

async function exchange(code: string, verifier: string): Promise<Response> {
  return fetch(smart.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost:3000' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: APP,
      client_id: 'ln-cds-hooks-timeline',
      code_verifier: verifier,
    }).toString(),
  });
}

/** Launch → authorize → code, for Lowtrough Demopatient's card. */
async function launchAndAuthorize(): Promise<{ code: string; verifier: string }> {
  const { launch_id } = (await (await sandboxLaunch('demo-tac-low', APP_CONTEXT)).json()) as {
    launch_id: string;
  };
  const { verifier, challenge } = pkce();
  const redirect = await authorize(authorizeUrl(launch_id, challenge));
  return { code: redirect.searchParams.get('code') ?? '', verifier };
}

describe('demo SMART authorization server: EHR launch of the timeline app from a card', () => {
  test('publishes its SMART configuration (App Launch 2.x) with PKCE S256 and EHR launch', async () => {
    const res = await fetch(`${smart.fhirBaseUrl}/.well-known/smart-configuration`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      authorization_endpoint: smart.authorizeUrl,
      token_endpoint: smart.tokenUrl,
      code_challenge_methods_supported: ['S256'],
      capabilities: expect.arrayContaining([
        'launch-ehr',
        'client-public',
        'context-ehr-patient',
        'permission-v2',
      ]),
    });
  });

  test("the Sandbox gets a launch_id for Lowtrough Demopatient's card link, from a browser origin", async () => {
    const res = await sandboxLaunch('demo-tac-low', APP_CONTEXT);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.json()).toEqual({ launch_id: expect.stringMatching(/^[\w-]{16,}$/) });
  });

  test('the app is redirected back with a code and its state, and the token names the patient and the card context', async () => {
    const { launch_id } = (await (await sandboxLaunch('demo-tac-low', APP_CONTEXT)).json()) as {
      launch_id: string;
    };
    const { verifier, challenge } = pkce();
    const redirect = await authorize(authorizeUrl(launch_id, challenge));
    expect(`${redirect.origin}${redirect.pathname}`).toBe(APP);
    expect(redirect.searchParams.get('state')).toBe('state-123');

    const res = await exchange(redirect.searchParams.get('code') ?? '', verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      // No id_token or user here: openid and fhirUser are not granted, and the scope says so.
      scope: 'launch patient/Patient.rs patient/Observation.rs patient/MedicationRequest.rs',
      patient: 'demo-tac-low',
      appContext: APP_CONTEXT,
      need_patient_banner: true,
    });
  });

  test('with the token the app reads its patient and her tacrolimus troughs, 3.1 ng/mL the latest', async () => {
    const { code, verifier } = await launchAndAuthorize();
    const { access_token } = (await (await exchange(code, verifier)).json()) as { access_token: string };
    const headers = { Authorization: `Bearer ${access_token}` };

    const patient = await fetch(`${smart.fhirBaseUrl}/Patient/demo-tac-low`, { headers });
    expect(patient.status).toBe(200);
    expect(((await patient.json()) as fhir4.Patient).name?.[0]?.text).toBe(
      'Lowtrough Demopatient (synthetic)',
    );
    const search = await fetch(
      `${smart.fhirBaseUrl}/Observation?patient=demo-tac-low&code=${encodeURIComponent('http://loinc.org|11253-2')}&_sort=-date`,
      { headers },
    );
    expect(search.status).toBe(200);
    const bundle = (await search.json()) as fhir4.Bundle<fhir4.Observation>;
    expect(bundle.entry?.map((entry) => entry.resource?.valueQuantity?.value)).toEqual([3.1, 4.8]);
    // The Sandbox's way of searching: POST {type}/_search with a form body.
    const posted = await fetch(`${smart.fhirBaseUrl}/Observation/_search`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `patient=demo-tac-low&code=${encodeURIComponent('http://loinc.org|11253-2')}`,
    });
    expect(((await posted.json()) as fhir4.Bundle).entry).toHaveLength(2);
  });

  test("the token opens no other patient's record and no resource type outside its scope", async () => {
    const { code, verifier } = await launchAndAuthorize();
    const { access_token } = (await (await exchange(code, verifier)).json()) as { access_token: string };
    const headers = { Authorization: `Bearer ${access_token}` };
    const status = async (path: string): Promise<number> =>
      (await fetch(`${smart.fhirBaseUrl}/${path}`, { headers })).status;
    expect(await status('Patient/demo-tac-high')).toBe(403);
    expect(await status('Observation?patient=demo-tac-high')).toBe(403);
    expect(await status('Observation')).toBe(403);
    expect(await status('Condition?patient=demo-tac-low')).toBe(403);
    expect(await status('Condition/demo-tac-low-cond1')).toBe(403);
  });

  test('FHIR reads without a token, or with one it did not issue, are refused with 401', async () => {
    const bare = await fetch(`${smart.fhirBaseUrl}/Patient/demo-tac-low`, { headers: { Origin: SANDBOX } });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(bare.headers.get('access-control-allow-origin')).toBe('*');
    const forged = await fetch(`${smart.fhirBaseUrl}/Patient/demo-tac-low`, {
      headers: { Authorization: 'Bearer not-one-of-ours' },
    });
    expect(forged.status).toBe(401);
  });

  test('a wrong PKCE verifier is invalid_grant, and burns the code', async () => {
    const { code, verifier } = await launchAndAuthorize();
    const wrong = await exchange(code, pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'code_verifier does not match the code_challenge (S256)',
    });
    expect((await exchange(code, verifier)).status).toBe(400);
  });

  test('a code used twice is refused, and the token it gave is revoked', async () => {
    const { code, verifier } = await launchAndAuthorize();
    const first = await exchange(code, verifier);
    const { access_token } = (await first.json()) as { access_token: string };
    const replay = await exchange(code, verifier);
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
    const read = await fetch(`${smart.fhirBaseUrl}/Patient/demo-tac-low`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(read.status).toBe(401);
  });

  test('a code is refused after its minute, and a token after its hour', async () => {
    const late = await launchAndAuthorize();
    clock += 61_000;
    expect(
      ((await (await exchange(late.code, late.verifier)).json()) as { error_description: string })
        .error_description,
    ).toBe('authorization code expired');
    const { code, verifier } = await launchAndAuthorize();
    const { access_token } = (await (await exchange(code, verifier)).json()) as { access_token: string };
    clock += 3601_000;
    const read = await fetch(`${smart.fhirBaseUrl}/Patient/demo-tac-low`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(read.status).toBe(401);
  });

  test('authorize without PKCE S256, with another aud or an unknown launch redirects back with the error', async () => {
    const { launch_id } = (await (await sandboxLaunch('demo-tac-low')).json()) as { launch_id: string };
    const { challenge } = pkce();
    const errorOf = async (overrides: Record<string, string | null>): Promise<string | null> =>
      (await authorize(authorizeUrl(launch_id, challenge, overrides))).searchParams.get('error_description');
    expect(await errorOf({ code_challenge_method: 'plain' })).toMatch(/PKCE is required/);
    expect(await errorOf({ code_challenge: null })).toMatch(/PKCE is required/);
    expect(await errorOf({ aud: 'http://localhost:8081/fhir' })).toMatch(/aud must be the FHIR base URL/);
    expect(await errorOf({ launch: 'made-up' })).toMatch(/a known launch is required/);
    expect(await errorOf({ launch: null })).toMatch(/a known launch is required/);
    const wrongType = await authorize(authorizeUrl(launch_id, challenge, { response_type: 'token' }));
    expect(wrongType.searchParams.get('error')).toBe('unsupported_response_type');
    expect(wrongType.searchParams.get('state')).toBe('state-123');
  });

  test('authorize never redirects to an unregistered redirect_uri or for an unknown client', async () => {
    const { launch_id } = (await (await sandboxLaunch('demo-tac-low')).json()) as { launch_id: string };
    const { challenge } = pkce();
    const attempts: Record<string, string>[] = [
      { redirect_uri: 'https://attacker.example/app/' },
      { redirect_uri: 'http://localhost:3000/cds-services' },
      { redirect_uri: 'http://localhost:3000/app/../admin/' },
      { client_id: 'someone-else' },
    ];
    for (const overrides of attempts) {
      const res = await fetch(authorizeUrl(launch_id, challenge, overrides), { redirect: 'manual' });
      expect(res.status).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  test('answers the browser preflight of the Launch, token and FHIR endpoints', async () => {
    for (const path of ['/fhir/_services/smart/Launch', '/auth/token', '/fhir/Observation/_search']) {
      const res = await fetch(new URL(path, smart.fhirBaseUrl), {
        method: 'OPTIONS',
        headers: {
          Origin: SANDBOX,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization, content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
    }
  });
});

describe('demo SMART authorization server: the CDS Hooks Sandbox launched on it', () => {
  const sandboxClient = SANDBOX_CLIENT_IDS[0] ?? '';

  /** The Sandbox's launch.html (fhir-client.js 0.x): no PKCE, its own broad scopes. */
  async function signInSandbox(): Promise<{ access_token: string; patient: string; scope: string }> {
    const launch = smart.createLaunch({
      patient: 'demo-tac-low',
      serviceDiscoveryURL: 'http://localhost:3000/cds-services',
    });
    const redirect = await authorize(
      authorizeUrl(launch, '', {
        client_id: sandboxClient,
        redirect_uri: `${SANDBOX}/`,
        scope: 'patient/*.* user/*.* launch openid profile online_access',
        code_challenge: null,
        code_challenge_method: null,
      }),
    );
    const res = await fetch(smart.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code') ?? '',
        redirect_uri: `${SANDBOX}/`,
        client_id: sandboxClient,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const token = (await res.json()) as { access_token: string; patient: string; scope: string };
    expect(token).toMatchObject({
      patient: 'demo-tac-low',
      scope: 'patient/*.read launch',
      serviceDiscoveryURL: 'http://localhost:3000/cds-services',
    });
    return token;
  }

  test("the Sandbox signs in without PKCE, reads the patient's conditions, and gets a launch for a card's link with its token", async () => {
    const { access_token } = await signInSandbox();
    const headers = { Authorization: `Bearer ${access_token}` };
    const conditions = await fetch(`${smart.fhirBaseUrl}/Condition?patient=demo-tac-low`, { headers });
    expect(((await conditions.json()) as fhir4.Bundle).entry).toHaveLength(1);

    const launch = await fetch(`${smart.fhirBaseUrl}/_services/smart/Launch`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        launchUrl: APP,
        parameters: { patient: 'demo-tac-low', appContext: APP_CONTEXT },
      }),
    });
    const { launch_id } = (await launch.json()) as { launch_id: string };
    // The app opened from that link still has to use PKCE.
    const noPkce = await authorize(
      authorizeUrl(launch_id, '', { code_challenge: null, code_challenge_method: null }),
    );
    expect(noPkce.searchParams.get('error_description')).toMatch(/PKCE is required/);
    const { verifier, challenge } = pkce();
    const redirect = await authorize(authorizeUrl(launch_id, challenge));
    const token = await exchange(redirect.searchParams.get('code') ?? '', verifier);
    expect(await token.json()).toMatchObject({ patient: 'demo-tac-low', appContext: APP_CONTEXT });
  });

  test("its metadata, open to all, tells the Sandbox's pre-2.0 fhir-client.js where to authorize", async () => {
    const res = await fetch(`${smart.fhirBaseUrl}/metadata`);
    expect(res.status).toBe(200);
    const statement = (await res.json()) as fhir4.CapabilityStatement;
    expect(statement.rest?.[0]?.security?.extension?.[0]).toEqual({
      url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
      extension: [
        { url: 'authorize', valueUri: smart.authorizeUrl },
        { url: 'token', valueUri: smart.tokenUrl },
      ],
    });
  });

  test('a Launch request with a token it did not issue is refused', async () => {
    const res = await fetch(`${smart.fhirBaseUrl}/_services/smart/Launch`, {
      method: 'POST',
      headers: { Authorization: 'Bearer not-one-of-ours', 'Content-Type': 'application/json' },
      body: JSON.stringify({ launchUrl: APP, parameters: { patient: 'demo-tac-low' } }),
    });
    expect(res.status).toBe(401);
  });
});
