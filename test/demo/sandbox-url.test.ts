import { buildSandboxUrl, HOSTED_SANDBOX_URL } from '../../demo/sandbox-url';
import { describeAuth, describeStore } from '../../demo/summary';

describe('the CDS Hooks Sandbox link printed for each demo patient', () => {
  test('opens patient-view with our discovery, the demo FHIR server and the patient, each URL-encoded', () => {
    const url = buildSandboxUrl({
      sandbox: HOSTED_SANDBOX_URL,
      discoveryUrl: 'http://localhost:3000/cds-services',
      fhirServer: 'http://localhost:8081/fhir',
      patientId: 'demo-tac-low',
    });
    expect(url).toBe(
      'https://sandbox.cds-hooks.org/?hook=patient-view' +
        '&serviceDiscoveryURL=http%3A%2F%2Flocalhost%3A3000%2Fcds-services' +
        '&fhirServiceUrl=http%3A%2F%2Flocalhost%3A8081%2Ffhir' +
        '&patientId=demo-tac-low',
    );
    const parsed = new URL(url).searchParams;
    expect(Object.fromEntries(parsed)).toEqual({
      hook: 'patient-view',
      serviceDiscoveryURL: 'http://localhost:3000/cds-services',
      fhirServiceUrl: 'http://localhost:8081/fhir',
      patientId: 'demo-tac-low',
    });
  });

  test('works with a locally built Sandbox given without a trailing slash', () => {
    const url = buildSandboxUrl({
      sandbox: 'http://localhost:8080',
      discoveryUrl: 'http://localhost:3000/cds-services',
      fhirServer: 'http://localhost:8081/fhir',
      patientId: 'p1',
    });
    expect(url.startsWith('http://localhost:8080/?hook=patient-view&')).toBe(true);
  });
});

describe('the demo start-up summary', () => {
  test('names the store without printing database credentials', () => {
    expect(
      describeStore({ databaseUrl: 'postgres://cds:s3cret@db.example:5432/cds', dataDir: 'data/pglite' }),
    ).toBe('PostgreSQL at db.example:5432/cds (DATABASE_URL)');
    expect(describeStore({ dataDir: 'data/pglite' })).toBe('embedded PGlite in data/pglite (CDS_DATA_DIR)');
  });

  test('says when authentication is off', () => {
    expect(describeAuth({ auth: 'off', clients: [] })).toMatch(/^off \(CDS_AUTH=off/);
  });
});
