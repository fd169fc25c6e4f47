import { parseClients } from '../../src/config/clients-file';
import { createJwtVerifier, type JwtVerifier } from '../../src/auth/jwt-verifier';
import { createMemoryReplayCache } from '../../src/auth/replay-cache';
import { fixturesDir } from '../support/fixtures';
import { loadRecordedRequests, SANDBOX_PUBLIC_JWK } from '../support/sandbox-requests';

// Real ES384 tokens the CDS Hooks Sandbox sent (fixtures/sandbox-requests/README.md). Its private
// key is public in its repository, so this trust belongs in test configuration only. Every token
// was valid from 2026-11-22T02:06:54Z to 02:11:44Z; the clock is fixed inside that window.
const INSIDE_WINDOW = new Date('2026-11-22T02:09:00Z');
const AFTER_EXPIRY = new Date('2026-11-22T02:13:00Z');

/** The recorded requests that carry a JWT, with the token as sent. */
function readSignedRequests(dir: string): { file: string; method: string; path: string; token: string }[] {
  return loadRecordedRequests(dir).flatMap(({ file, method, path, headers }) => {
    const authorization = headers.authorization;
    return authorization === undefined ? [] : [{ file, method, path, token: authorization.replace(/^Bearer /, '') }];
  });
}

function sandboxVerifier(now: Date): JwtVerifier {
  return createJwtVerifier({
    clients: parseClients(
      [{ iss: 'https://sandbox.cds-hooks.org', jwks: { keys: [SANDBOX_PUBLIC_JWK] }, fhirServers: ['http://127.0.0.1:8090'] }],
      { production: false },
    ),
    // The Sandbox called the service at http://127.0.0.1:3001.
    publicUrl: 'http://127.0.0.1:3001',
    replayCache: createMemoryReplayCache({ now: () => now }),
    now: () => now,
    // The tokens' jku names the hosted Sandbox: it must never be fetched.
    fetch: () => Promise.reject(new Error('the Sandbox jku must never be fetched')),
  });
}

describe('real CDS Hooks Sandbox tokens', () => {
  const requests = readSignedRequests(fixturesDir('sandbox-requests'));

  it('cover discovery, three hooks and feedback', () => {
    expect(requests.map((request) => request.path).sort()).toEqual([
      '/cds-services',
      '/cds-services/ln-order-select',
      '/cds-services/ln-order-sign',
      '/cds-services/ln-patient-view',
      '/cds-services/ln-patient-view/feedback',
      '/cds-services/ln-patient-view/feedback',
    ]);
  });

  it('are each accepted for the path they were sent to, with the Sandbox’s published key', async () => {
    const verifier = sandboxVerifier(INSIDE_WINDOW);
    for (const request of requests) {
      await expect(verifier.verify(request.token, request.path)).resolves.toEqual({
        iss: 'https://sandbox.cds-hooks.org',
        fhirServers: ['http://127.0.0.1:8090'],
      });
    }
  });

  it('are refused on another path (the patient-view token sent to order-sign)', async () => {
    const patientView = requests.find((request) => request.path === '/cds-services/ln-patient-view');
    expect(patientView).toBeDefined();
    await expect(sandboxVerifier(INSIDE_WINDOW).verify(patientView?.token ?? '', '/cds-services/ln-order-sign')).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('are refused once expired', async () => {
    const verifier = sandboxVerifier(AFTER_EXPIRY);
    for (const request of requests) {
      await expect(verifier.verify(request.token, request.path)).rejects.toMatchObject({ code: 'unauthorized' });
    }
  });

  it('are refused when replayed within their lifetime', async () => {
    const verifier = sandboxVerifier(INSIDE_WINDOW);
    const [first] = requests;
    expect(first).toBeDefined();
    if (first === undefined) return;
    await verifier.verify(first.token, first.path);
    await expect(verifier.verify(first.token, first.path)).rejects.toMatchObject({ message: expect.stringContaining('jti replayed') });
  });
});
