import { parseClients } from '../../src/config/clients-file';
import { isFhirServerAllowed, type FhirServerPolicyConfig } from '../../src/auth/fhir-server-policy';
import type { AuthenticatedClient } from '../../src/auth/jwt-verifier';

// Only servers registered for the calling EHR receive its fhirAuthorization token.
const northEhr: AuthenticatedClient = { iss: 'https://ehr.north.example.org', fhirServers: ['https://ehr.north.example.org/fhir/r4'] };

const clients = parseClients(
  [
    { iss: northEhr.iss, jwksUrl: 'https://ehr.north.example.org/jwks.json', fhirServers: [...northEhr.fhirServers] },
    { iss: 'https://ehr.south.example.org', jwksUrl: 'https://ehr.south.example.org/jwks.json', fhirServers: ['https://fhir.south.example.org'] },
  ],
  { production: false },
);
const required: FhirServerPolicyConfig = { auth: 'required', production: true, clients };
const development: FhirServerPolicyConfig = { auth: 'off', production: false, clients };

describe('with an authenticated EHR', () => {
  it.each([
    'https://ehr.north.example.org/fhir/r4',
    'https://ehr.north.example.org/fhir/r4/',
    'https://ehr.north.example.org/fhir/r4/tenant-7',
    'https://EHR.north.example.org:443/fhir/r4',
  ])('allows its registered server %s', (url) => {
    expect(isFhirServerAllowed(url, northEhr, required)).toBe(true);
  });

  it.each([
    ['another EHR’s server', 'https://fhir.south.example.org'],
    ['a look-alike host', 'https://ehr.north.example.org.evil.com/fhir/r4'],
    ['userinfo hiding another host', 'https://ehr.north.example.org@evil.com/fhir/r4'],
    ['userinfo on the right host', 'https://user:pw@ehr.north.example.org/fhir/r4'],
    ['a sibling path sharing the prefix', 'https://ehr.north.example.org/fhir/r4-admin'],
    ['a parent path', 'https://ehr.north.example.org/fhir'],
    ['a dot-dot escape', 'https://ehr.north.example.org/fhir/r4/../admin'],
    ['an encoded dot-dot escape', 'https://ehr.north.example.org/fhir/r4/%2e%2e%2fadmin'],
    ['an encoded slash', 'https://ehr.north.example.org/fhir/r4%2Fadmin'],
    ['plain http to the same host', 'http://ehr.north.example.org/fhir/r4'],
    ['another port', 'https://ehr.north.example.org:8443/fhir/r4'],
    ['a query string', 'https://ehr.north.example.org/fhir/r4?x=1'],
    ['a non-http scheme', 'file:///etc/passwd'],
    ['loopback', 'http://127.0.0.1:8080/fhir'],
    ['not a URL', 'ehr.north.example.org/fhir/r4'],
  ])('refuses %s (%s)', (_what, url) => {
    expect(isFhirServerAllowed(url, northEhr, required)).toBe(false);
  });
});

describe('without authentication', () => {
  it.each(['http://localhost:8080/fhir', 'http://127.0.0.1:8090', 'http://127.1.2.3/fhir', 'http://[::1]:8080/fhir', 'http://127.1/fhir'])(
    'allows the loopback server %s in development',
    (url) => {
      expect(isFhirServerAllowed(url, undefined, development)).toBe(true);
    },
  );

  it('allows a server registered for any client in development', () => {
    expect(isFhirServerAllowed('https://fhir.south.example.org/r4', undefined, development)).toBe(true);
  });

  it.each(['https://fhir.example.com', 'http://10.0.0.5/fhir', 'http://169.254.169.254/latest', 'http://localhost.evil.com/fhir', 'http://[::ffff:127.0.0.1]/fhir'])(
    'refuses %s in development',
    (url) => {
      expect(isFhirServerAllowed(url, undefined, development)).toBe(false);
    },
  );

  it('refuses everything, loopback included, when authentication is required', () => {
    expect(isFhirServerAllowed('http://127.0.0.1:8090', undefined, required)).toBe(false);
    expect(isFhirServerAllowed('https://ehr.north.example.org/fhir/r4', undefined, required)).toBe(false);
  });
});
