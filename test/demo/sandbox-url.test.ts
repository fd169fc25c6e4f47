import { buildSandboxUrl, HOSTED_SANDBOX_URL } from '../../demo/sandbox-url';
import { buildDemoPatients } from '../../demo/patients';
import { describeAuth, describeOrderHook, describeStore } from '../../demo/summary';

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

  test('opens the Rx Sign screen on order-sign with the order form prefilled: medication, pills, frequency, end date', () => {
    const url = buildSandboxUrl({
      sandbox: HOSTED_SANDBOX_URL,
      discoveryUrl: 'http://localhost:3000/cds-services',
      fhirServer: 'http://localhost:8081/fhir',
      patientId: 'demo-steroid-stop',
      hook: 'order-sign',
      order: {
        medication: { code: '312617', name: 'Prednisone 5 MG Oral Tablet' },
        number: 1,
        frequency: 'daily',
        endDate: '2026-11-29',
      },
    });
    expect(Object.fromEntries(new URL(url).searchParams)).toEqual({
      hook: 'order-sign',
      screen: 'rx-sign',
      serviceDiscoveryURL: 'http://localhost:3000/cds-services',
      fhirServiceUrl: 'http://localhost:8081/fhir',
      patientId: 'demo-steroid-stop',
      prescribedMedication: '312617',
      prescribedInstructionNumber: '1',
      prescribedInstructionFrequency: 'daily',
      prescribedMedicationEndDate: '2026-11-29',
    });
  });

  test('opens the Rx View screen on order-select, without an end date when the order has none', () => {
    const url = buildSandboxUrl({
      sandbox: HOSTED_SANDBOX_URL,
      discoveryUrl: 'http://localhost:3000/cds-services',
      fhirServer: 'http://localhost:8081/fhir',
      patientId: 'demo-aza-febuxostat',
      hook: 'order-select',
      order: {
        medication: { code: '834235', name: 'febuxostat 40 MG Oral Tablet' },
        number: 1,
        frequency: 'daily',
      },
    });
    expect(url).toBe(
      'https://sandbox.cds-hooks.org/?hook=order-select&screen=rx-view' +
        '&serviceDiscoveryURL=http%3A%2F%2Flocalhost%3A3000%2Fcds-services' +
        '&fhirServiceUrl=http%3A%2F%2Flocalhost%3A8081%2Ffhir' +
        '&patientId=demo-aza-febuxostat' +
        '&prescribedMedication=834235&prescribedInstructionNumber=1&prescribedInstructionFrequency=daily',
    );
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

  test('says which hook and Sandbox screen shows an order-hook patient, and what the form is prefilled with', () => {
    const patients = buildDemoPatients(new Date('2026-11-22T10:00:00.000Z'));
    const describe = (id: string): string | undefined =>
      describeOrderHook(patients.find((patient) => patient.id === id)!);
    expect(describe('demo-steroid-stop')).toBe(
      "order-sign: the link opens the Sandbox's Rx Sign with Prednisone 5 MG Oral Tablet, 1 pill daily, ending 2026-11-29 (press Sign Order)",
    );
    expect(describe('demo-vcs-cyp3a4')).toBe(
      "order-select: the link opens the Sandbox's Rx View with Clarithromycin 500 MG Oral Tablet, 1 pill twice daily (the card follows the order)",
    );
    expect(describe('demo-tac-low')).toBeUndefined();
  });

  test('says when authentication is off', () => {
    expect(describeAuth({ auth: 'off', clients: [] })).toMatch(/^off \(CDS_AUTH=off/);
  });
});
