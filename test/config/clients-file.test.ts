import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClientsFile, parseClients } from '../../src/config/clients-file';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';
import { makeKey, type TestKey } from '../auth/jwt-fixtures';

// CDS_CLIENTS_FILE: an operator's mistake must stop start-up with a message naming the field.
let ehrKey: TestKey;

beforeAll(async () => {
  ehrKey = await makeKey('ES384', 'north-ehr-1');
});

function northEhr(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: 'https://ehr.north.example.org', jwks: { keys: [ehrKey.publicJwk] }, fhirServers: ['https://ehr.north.example.org/fhir/r4/'], ...overrides };
}

function refusal(json: unknown, production = true): string {
  try {
    parseClients(json, { production });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the clients file was accepted');
}

describe('a valid clients file', () => {
  it('registers an EHR with inline keys, its FHIR servers (normalised) and tenant', () => {
    const [client] = parseClients([northEhr({ tenant: 'north' })], { production: true });
    expect(client).toEqual({
      iss: 'https://ehr.north.example.org',
      keySource: { kind: 'inline', jwks: { keys: [ehrKey.publicJwk] } },
      fhirServers: ['https://ehr.north.example.org/fhir/r4'],
      tenant: 'north',
    });
    expect(Object.isFrozen(client)).toBe(true);
  });

  it('registers an EHR that publishes its keys at a jwksUrl', () => {
    const [client] = parseClients([{ iss: 'https://ehr.south.example.org', jwksUrl: 'https://ehr.south.example.org/jwks.json', fhirServers: [] }], {
      production: true,
    });
    expect(client?.keySource).toEqual({ kind: 'remote', jwksUrl: 'https://ehr.south.example.org/jwks.json' });
  });

  it('is read from disk by loadClientsFile', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clients-')), 'clients.json');
    writeFileSync(path, JSON.stringify([northEhr()]));
    expect(loadClientsFile(path, { production: true }).map((client) => client.iss)).toEqual(['https://ehr.north.example.org']);
  });
});

describe('a clients file is refused', () => {
  it('when it is not an array', () => expect(refusal({ iss: 'x' })).toContain('/ must be array'));
  it('when an entry has no iss', () => expect(refusal([northEhr({ iss: undefined })])).toContain('/0/iss is required'));
  it('when fhirServers is missing', () => expect(refusal([northEhr({ fhirServers: undefined })])).toContain('/0/fhirServers is required'));
  it('when a field is unknown (a typo such as jwks_url)', () =>
    expect(refusal([northEhr({ jwks_url: 'https://x.example' })])).toContain('/0/jwks_url is not a known field'));
  it('when both jwks and jwksUrl are given', () =>
    expect(refusal([northEhr({ jwksUrl: 'https://ehr.north.example.org/jwks.json' })])).toContain('exactly one of "jwks"'));
  it('when neither jwks nor jwksUrl is given', () => expect(refusal([northEhr({ jwks: undefined })])).toContain('exactly one of "jwks"'));
  it('when an inline key has no kid', () => {
    const { kid: _kid, ...withoutKid } = ehrKey.publicJwk;
    expect(refusal([northEhr({ jwks: { keys: [withoutKid] } })])).toContain('/0/jwks/keys/0/kid is required');
  });
  it('when an inline key is a private key', () =>
    expect(refusal([northEhr({ jwks: { keys: [{ ...ehrKey.publicJwk, d: 'c2VjcmV0' }] } })])).toContain('/0/jwks/keys/0/d: private key material'));
  it('when an inline key is symmetric', () =>
    expect(refusal([northEhr({ jwks: { keys: [{ kty: 'oct', kid: 'k', k: 'c2VjcmV0' }] } })])).toContain('/0/jwks/keys/0/kty must be equal to one of the allowed values'));
  it('when an inline key is not a usable public key', () =>
    expect(refusal([northEhr({ jwks: { keys: [{ ...ehrKey.publicJwk, x: 'AAAA' }] } })])).toContain('/0/jwks/keys/0: not a usable EC public key'));
  it('when the same iss is listed twice', () => expect(refusal([northEhr(), northEhr()])).toContain('/1/iss "https://ehr.north.example.org" is listed twice'));
  it('when a FHIR server URL carries user:password@', () =>
    expect(refusal([northEhr({ fhirServers: ['https://user:pw@ehr.north.example.org/fhir'] })])).toContain('/0/fhirServers/0: must not contain user:password@'));
  it('when a FHIR server URL is not absolute', () => expect(refusal([northEhr({ fhirServers: ['ehr/fhir'] })])).toContain('/0/fhirServers/0: "ehr/fhir" is not an absolute URL'));
  it('when a FHIR server uses http in production (tokens would travel in clear)', () =>
    expect(refusal([northEhr({ fhirServers: ['http://ehr.north.example.org/fhir'] })])).toContain('must use https in production'));
  it('when the file cannot be read or is not JSON', () => {
    expect(() => loadClientsFile('/nonexistent/clients.json', { production: true })).toThrow('CDS_CLIENTS_FILE: cannot read /nonexistent/clients.json');
    const path = join(mkdtempSync(join(tmpdir(), 'clients-')), 'clients.json');
    writeFileSync(path, '[{"iss":');
    expect(() => loadClientsFile(path, { production: true })).toThrow('is not valid JSON');
  });

  it('but http FHIR servers are accepted outside production', () => {
    expect(parseClients([northEhr({ fhirServers: ['http://hapi:8080/fhir'] })], { production: false })[0]?.fhirServers).toEqual(['http://hapi:8080/fhir']);
  });
});

describe('start-up rules', () => {
  const loadClients = (path: string, options: { production: boolean }) => loadClientsFile(path, options);

  it('production refuses to start without a clients file', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, { loadClients })).toThrow(
      'CDS_AUTH=required (NODE_ENV=production) needs CDS_CLIENTS_FILE',
    );
  });

  it('production refuses CDS_AUTH=off', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CDS_AUTH: 'off' }, { loadClients })).toThrow(ConfigError);
  });

  it('production refuses an invalid clients file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clients-')), 'clients.json');
    writeFileSync(path, JSON.stringify([northEhr({ fhirServers: ['http://ehr.north.example.org/fhir'] })]));
    expect(() => loadConfig({ NODE_ENV: 'production', CDS_CLIENTS_FILE: path }, { loadClients })).toThrow('must use https in production');
  });

  it('production refuses a clients file listing nobody', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clients-')), 'clients.json');
    writeFileSync(path, '[]');
    expect(() => loadConfig({ NODE_ENV: 'production', CDS_CLIENTS_FILE: path }, { loadClients })).toThrow('lists no CDS client');
  });

  it('production starts with CDS_AUTH=required and a valid clients file', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'clients-')), 'clients.json');
    writeFileSync(path, JSON.stringify([northEhr()]));
    const config = loadConfig({ NODE_ENV: 'production', CDS_CLIENTS_FILE: path }, { loadClients });
    expect(config.auth).toBe('required');
    expect(config.clients.map((client) => client.iss)).toEqual(['https://ehr.north.example.org']);
  });

  it('development defaults to CDS_AUTH=off with no clients', () => {
    const config = loadConfig({}, { loadClients });
    expect(config.auth).toBe('off');
    expect(config.clients).toEqual([]);
  });
});
