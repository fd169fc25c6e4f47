import request from 'supertest';
import { parseClients } from '../../src/config/clients-file';
import { loadConfig } from '../../src/config';
import { buildTestApp } from '../support/test-app';

/**
 * GET /app/: the timeline SMART app's page and libraries, served by the service with a policy
 * that lets the page reach this service and the FHIR/authorization servers of a SMART launch,
 * and lets an EHR show it in a frame.
 */
const NOW = '2026-06-01T09:00:00Z';
const { app } = buildTestApp({ now: NOW });

describe('the timeline app page', () => {
  test('serves the page with its own scripts only, framable by an EHR, and reachable for fhirclient in development', async () => {
    const response = await request(app).get('/app/?launch=abc&iss=http://127.0.0.1:8082/fhir');
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/html');
    expect(response.text).toContain('<script src="/app/fhir-client.js" defer></script>');
    expect(response.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' http: https:; " +
        "frame-ancestors 'self' http: https:; base-uri 'none'; form-action 'none'",
    );
    // CSP frame-ancestors decides framing; helmet's X-Frame-Options: SAMEORIGIN would forbid it.
    expect(response.headers['x-frame-options']).toBeUndefined();
    expect(response.headers['cross-origin-opener-policy']).toBe('unsafe-none');
  });

  test('/app without the slash redirects to /app/ keeping the launch parameters', async () => {
    const response = await request(app).get('/app?launch=abc&iss=https%3A%2F%2Fehr.example.org%2Ffhir');
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/app/?launch=abc&iss=https%3A%2F%2Fehr.example.org%2Ffhir');
  });

  test("serves fhirclient's prebuilt browser bundle and uPlot from node_modules", async () => {
    const client = await request(app).get('/app/fhir-client.js');
    expect(client.status).toBe(200);
    expect(client.type).toBe('text/javascript');
    expect(client.text).toContain('oauth2');
    const uplot = await request(app).get('/app/uplot.js');
    expect(uplot.text).toContain('uPlot');
    expect((await request(app).get('/app/uplot.css')).type).toBe('text/css');
    expect((await request(app).get('/app/app.css')).type).toBe('text/css');
    for (const script of ['format', 'launch', 'lanes', 'chart', 'tables', 'app']) {
      expect((await request(app).get(`/app/${script}.js`)).type).toBe('text/javascript');
    }
  });

  test('tells the page its OAuth client id and the narrowest SMART v2 scopes', async () => {
    const response = await request(app).get('/app/config.json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      clientId: 'ln-cds-hooks-timeline',
      scope:
        'launch patient/Patient.rs patient/Condition.rs patient/MedicationRequest.rs ' +
        'patient/Medication.rs patient/Observation.rs patient/AllergyIntolerance.rs',
    });
  });

  test('an unknown file under /app/ is a 404', async () => {
    const response = await request(app).get('/app/secrets.json');
    expect(response.status).toBe(404);
  });

  test('in production the page may reach only the registered FHIR servers and the listed authorization servers', async () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        CDS_CLIENTS_FILE: '/clients.json',
        CDS_SMART_CLIENT_ID: 'north-timeline',
        CDS_APP_CONNECT_SRC: 'https://auth.north.example.org',
        CDS_APP_FRAME_ANCESTORS: 'https://ehr.north.example.org',
      },
      {
        loadClients: (_path, options) =>
          parseClients(
            [
              {
                iss: 'https://ehr.north.example.org',
                jwksUrl: 'https://ehr.north.example.org/jwks.json',
                fhirServers: ['https://fhir.north.example.org/r4'],
              },
            ],
            options,
          ),
      },
    );
    const production = buildTestApp({ now: NOW, config }).app;
    const page = await request(production).get('/app/');
    expect(page.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
        "connect-src 'self' https://fhir.north.example.org https://auth.north.example.org; " +
        "frame-ancestors 'self' https://ehr.north.example.org; base-uri 'none'; form-action 'none'",
    );
    expect((await request(production).get('/app/config.json')).body.clientId).toBe('north-timeline');
  });
});
