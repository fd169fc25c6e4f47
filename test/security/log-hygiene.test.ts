import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { loadClientsFile } from '../../src/config/clients-file';
import { loadConfig } from '../../src/config';
import { FhirQueryError } from '../../src/errors';
import type { FhirRequesterFactory } from '../../src/fhir/fhir-client';
import { captureLogger } from '../support/test-app';
import { makeKey, signToken, type TestKey } from '../auth/jwt-fixtures';

/**
 * Whatever happens to a request — answered, refused, failed upstream — the log (at debug level,
 * the most verbose) holds no JWT, no FHIR access token and no patient name, birth date or MRN
 * (docs/security.md, "What is logged").
 */
const NOW = new Date('2026-06-01T09:00:00Z');
const PUBLIC_URL = 'https://cds.north.example.org';
const EHR_ISS = 'https://ehr.north.example.org';
const EHR_FHIR = 'https://ehr.north.example.org/fhir/r4';
const ACCESS_TOKEN = 'north-fhir-access-token-5be1c0';
const FAMILY = 'Okonkwo-Hygiene';
const GIVEN = 'Chiamaka';
const BIRTH_DATE = '1991-07-14';
const MRN = 'MRN-00482913';

const patient = {
  resourceType: 'Patient',
  id: 'p77',
  name: [{ family: FAMILY, given: [GIVEN], text: `${GIVEN} ${FAMILY}` }],
  birthDate: BIRTH_DATE,
  identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: MRN }],
};

let ehrKey: TestKey;
let strangerKey: TestKey;
beforeAll(async () => {
  ehrKey = await makeKey('ES384', 'north-2026');
  strangerKey = await makeKey('ES384', 'north-2026');
});

/** The EHR's FHIR server: answers the patient with names; optionally fails with the token in its error text. */
function ehrFhir(mode: 'answers' | 'fails'): FhirRequesterFactory {
  return () => ({
    get: (url) => {
      if (mode === 'fails') {
        return Promise.reject(new FhirQueryError('network', `GET ${EHR_FHIR}/${url} failed (Authorization: Bearer ${ACCESS_TOKEN}, patient ${FAMILY})`));
      }
      return Promise.resolve(url.startsWith('Patient/') ? patient : { resourceType: 'Bundle', type: 'searchset', entry: [] });
    },
  });
}

function appLoggingEverything(mode: 'answers' | 'fails') {
  const path = join(mkdtempSync(join(tmpdir(), 'ln-clients-')), 'clients.json');
  writeFileSync(path, JSON.stringify([{ iss: EHR_ISS, jwks: { keys: [ehrKey.publicJwk] }, fhirServers: [EHR_FHIR] }]));
  const config = loadConfig(
    { NODE_ENV: 'production', CDS_PUBLIC_URL: PUBLIC_URL, CDS_CLIENTS_FILE: path, LOG_LEVEL: 'debug' },
    { loadClients: loadClientsFile },
  );
  const { logger, log } = captureLogger('debug');
  const app = createApp({ config, logger, clock: () => NOW, requesterFactory: ehrFhir(mode) });
  return { app, log };
}

const hookBody = (prefetch: Record<string, unknown> | undefined) => ({
  hook: 'patient-view',
  hookInstance: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
  fhirServer: EHR_FHIR,
  fhirAuthorization: { access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'ln-cds-hooks' },
  context: { userId: 'Practitioner/prac-1', patientId: 'p77' },
  ...(prefetch === undefined ? {} : { prefetch }),
});

const HOOK = '/cds-services/ln-patient-view';

describe('the log of requests that carry credentials and a named patient', () => {
  it('holds no JWT, access token, name, birth date or MRN — whatever the outcome', async () => {
    const jwts: string[] = [];
    const token = async (key: TestKey, path: string): Promise<string> => {
      const jwt = await signToken(key, NOW, { iss: EHR_ISS, aud: `${PUBLIC_URL}${path}` });
      jwts.push(jwt);
      return `Bearer ${jwt}`;
    };

    const answering = appLoggingEverything('answers');
    // Answered from prefetch (the patient and their name travel in the request body).
    const fromPrefetch = await request(answering.app)
      .post(HOOK)
      .set('Authorization', await token(ehrKey, HOOK))
      .send(hookBody({ patient, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null, weight: null }));
    // Answered from the FHIR server, with the access token.
    const fromFhir = await request(answering.app).post(HOOK).set('Authorization', await token(ehrKey, HOOK)).send(hookBody(undefined));
    // Refused: a JWT signed by a stranger.
    const refused = await request(answering.app).post(HOOK).set('Authorization', await token(strangerKey, HOOK)).send(hookBody(undefined));
    // Malformed: the patient's name where the patient id belongs.
    const malformed = await request(answering.app)
      .post(HOOK)
      .set('Authorization', await token(ehrKey, HOOK))
      .send({ ...hookBody(undefined), context: { patientId: `${GIVEN} ${FAMILY}`, birthDate: BIRTH_DATE } });

    const failing = appLoggingEverything('fails');
    // The FHIR server fails, and its error text carries the token and a name.
    const upstreamFailure = await request(failing.app).post(HOOK).set('Authorization', await token(ehrKey, HOOK)).send(hookBody(undefined));

    expect([fromPrefetch.status, fromFhir.status, refused.status, malformed.status, upstreamFailure.status]).toEqual([200, 200, 401, 400, 412]);
    const output = answering.log.raw() + failing.log.raw();
    // The log is not empty: one line per request at least, with its status.
    expect(answering.log.lines.filter((line) => line.message === 'request').map((line) => line.status)).toEqual([200, 200, 401, 400]);
    const secrets = [...jwts, ...jwts.map((jwt) => jwt.split('.')[2] ?? ''), ACCESS_TOKEN, FAMILY, GIVEN, BIRTH_DATE, MRN];
    for (const secret of secrets) expect({ secret, found: output.includes(secret) }).toEqual({ secret, found: false });
  });
});
