import request from 'supertest';
import { operationOutcome as outcome } from '../support/operation-outcome';
import { buildTestApp } from '../support/test-app';

/**
 * service-contract.md "HTTP status": every refusal is a whole OperationOutcome naming the
 * problem — never a stack trace, never a crash.
 */
const { app, log } = buildTestApp({ now: '2026-06-01T09:00:00Z', env: { CDS_MAX_BODY: '64kb' } });

const patientView = {
  hook: 'patient-view',
  hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
  context: { userId: 'Practitioner/prac-1', patientId: 'p01' },
  prefetch: { patient: null, conditions: null, medications: null, tacrolimus: null, mpaTrough: null, mpaAuc: null, egfr: null, weight: null },
};


describe('hook requests the service refuses', () => {
  test('answers an empty record with no cards (the baseline the refusals below differ from)', async () => {
    const response = await request(app).post('/cds-services/ln-patient-view').send(patientView);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ cards: [] });
  });

  test('malformed JSON is a 400 naming the problem', async () => {
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .set('Content-Type', 'application/json')
      .send('{"hook": "patient-view",');
    expect(response.status).toBe(400);
    expect(response.body).toEqual(outcome('structure', 'invalid-json', 'The request body is not valid JSON'));
  });

  test('a request without hookInstance is a 400 naming /hookInstance', async () => {
    const { hookInstance: _omitted, ...body } = patientView;
    const response = await request(app).post('/cds-services/ln-patient-view').send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(outcome('invalid', 'invalid-request', '/hookInstance is required', '/hookInstance'));
  });

  test('a patient-view context without patientId is a 400 naming /context/patientId', async () => {
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send({ ...patientView, context: { userId: 'Practitioner/prac-1' } });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(outcome('invalid', 'invalid-request', '/context/patientId is required', '/context/patientId'));
  });

  test('a patientId that is not a FHIR id (it would be put into FHIR URLs) is a 400', async () => {
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send({ ...patientView, context: { userId: 'Practitioner/prac-1', patientId: '../Patient?_id=x' } });
    expect(response.status).toBe(400);
    expect(response.body.issue[0].expression).toEqual(['/context/patientId']);
  });

  test('an order-sign call without draftOrders is a 400 naming /context/draftOrders', async () => {
    const response = await request(app)
      .post('/cds-services/ln-order-sign')
      .send({ ...patientView, hook: 'order-sign' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(outcome('invalid', 'invalid-request', '/context/draftOrders is required', '/context/draftOrders'));
  });

  test('the wrong hook for the service is a 400', async () => {
    const response = await request(app).post('/cds-services/ln-order-sign').send(patientView);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(outcome('invalid', 'wrong-hook', '/hook must be "order-sign"', '/hook'));
  });

  test('fhirAuthorization without fhirServer is a 400', async () => {
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send({
        ...patientView,
        fhirAuthorization: { access_token: 'secret-token-1', token_type: 'Bearer', expires_in: 300, scope: 'patient/*.read', subject: 'cds' },
      });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(
      outcome('invalid', 'invalid-request', '/fhirServer is required when fhirAuthorization is sent', '/fhirServer'),
    );
  });

  test('an unknown service id is a 404', async () => {
    const response = await request(app).post('/cds-services/ln-kidney-view').send(patientView);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(outcome('not-found', 'unknown-service', 'No CDS service "ln-kidney-view"'));
  });

  test('a body over CDS_MAX_BODY is a 413', async () => {
    const huge = { ...patientView, padding: 'x'.repeat(70 * 1024) };
    const response = await request(app).post('/cds-services/ln-patient-view').send(huge);
    expect(response.status).toBe(413);
    expect(response.body).toEqual(
      outcome('too-costly', 'payload-too-large', 'The request body is larger than this service accepts (CDS_MAX_BODY)'),
    );
  });

  test('needed data neither prefetched nor obtainable (no fhirServer) is a 412 naming what is missing', async () => {
    const { prefetch: _none, ...body } = patientView;
    const response = await request(app).post('/cds-services/ln-patient-view').send(body);
    expect(response.status).toBe(412);
    expect(response.body).toEqual(
      outcome(
        'incomplete',
        'data-unavailable',
        'Needed data was not prefetched and no fhirServer was given: conditions, medications, tacrolimus, mpaTrough, mpaAuc, egfr, weight',
      ),
    );
  });

  test('a prefetch that failed (OperationOutcome) with no fhirServer to ask is a 412, not an empty record', async () => {
    const failed = { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'exception' }] };
    const response = await request(app)
      .post('/cds-services/ln-patient-view')
      .send({ ...patientView, prefetch: { ...patientView.prefetch, tacrolimus: failed } });
    expect(response.status).toBe(412);
    expect(response.body.issue[0].details.text).toBe('Needed data was not prefetched and no fhirServer was given: tacrolimus');
  });

  test('an unknown route is a 404 OperationOutcome and nothing is logged at error level', async () => {
    const response = await request(app).get('/admin');
    expect(response.status).toBe(404);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(log.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
