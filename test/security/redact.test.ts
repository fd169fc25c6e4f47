import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../src/logging/logger';
import { REDACTED, redactString, redactValue } from '../../src/logging/redact';

// The logger's safety net: whatever a caller passes, no credential or patient name is written.
const JWT =
  'eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2Voci5leGFtcGxlLm9yZyIsImp0aSI6IjEifQ.c2lnbmF0dXJlLWJ5dGVz';
const ACCESS_TOKEN = 'opaque-fhir-access-token-7f3a9c';

function capture(): { logger: winston.Logger; output: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', transports: [new winston.transports.Stream({ stream })] }), output: () => chunks.join('') };
}

describe('redactString', () => {
  it('replaces a JWT anywhere in a string', () => {
    expect(redactString(`token was ${JWT}, refused`)).toBe(`token was ${REDACTED}, refused`);
  });

  it('replaces an unsigned JWT (empty signature)', () => {
    expect(redactString('eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.')).toBe(REDACTED);
  });

  it('replaces the credential after Bearer', () => {
    expect(redactString(`Authorization: Bearer ${ACCESS_TOKEN}`)).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('leaves host names, versions and FHIR ids alone', () => {
    const text = 'GET https://ehr.example.org/fhir/r4/Observation?code=http://loinc.org|77348-1 v1.2.3 Patient/p01';
    expect(redactString(text)).toBe(text);
  });
});

describe('redactValue', () => {
  it('removes credentials by key at any depth without touching the original', () => {
    const headers = { authorization: `Bearer ${ACCESS_TOKEN}`, 'content-type': 'application/json' };
    const meta = { request: { headers, fhirAuthorization: { access_token: ACCESS_TOKEN, token_type: 'Bearer' } } };
    expect(redactValue(meta)).toEqual({
      request: { headers: { authorization: REDACTED, 'content-type': 'application/json' }, fhirAuthorization: REDACTED },
    });
    expect(headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it('removes FHIR resource bodies and human names, keeps a plain service name', () => {
    const meta = {
      service: 'ln-cds-hooks',
      name: 'request',
      patient: { resourceType: 'Patient', id: 'p01', name: [{ family: 'Okafor', given: ['Adaeze'] }], birthDate: '1990-04-02' },
      prefetch: { patient: { resourceType: 'Patient' } },
    };
    expect(redactValue(meta)).toEqual({
      service: 'ln-cds-hooks',
      name: 'request',
      patient: { resourceType: 'Patient', id: 'p01', name: REDACTED, birthDate: REDACTED },
      prefetch: REDACTED,
    });
  });

  it('survives cycles and deep nesting', () => {
    const cyclic: Record<string, unknown> = { id: 'a' };
    cyclic.self = cyclic;
    expect(redactValue(cyclic)).toEqual({ id: 'a', self: '[Circular]' });
    let deep: Record<string, unknown> = { leaf: JWT };
    for (let i = 0; i < 50; i += 1) deep = { deep };
    expect(JSON.stringify(redactValue(deep))).not.toContain(JWT);
  });

  it('redacts an Error’s message and stack', () => {
    const error = new Error(`upstream said Bearer ${ACCESS_TOKEN}`);
    const redacted = redactValue(error) as { message: string; stack: string };
    expect(redacted.message).toBe(`upstream said Bearer ${REDACTED}`);
    expect(redacted.stack).not.toContain(ACCESS_TOKEN);
  });
});

describe('the application logger', () => {
  it('writes no JWT, access token or patient name whatever it is handed', () => {
    const { logger, output } = capture();
    logger.warn(`refused ${JWT}`, {
      headers: { authorization: `Bearer ${JWT}` },
      fhirAuthorization: { access_token: ACCESS_TOKEN },
      access_token: ACCESS_TOKEN,
      note: `token=${JWT}`,
      patient: { name: [{ family: 'Okafor', given: ['Adaeze'] }] },
      list: [JWT, { access_token: ACCESS_TOKEN }],
    });
    logger.child({ requestId: 'r-1' }).error('failed', new Error(`Bearer ${ACCESS_TOKEN}`));
    const text = output();
    expect(text).toContain('"level":"warn"');
    expect(text).toContain('"requestId":"r-1"');
    for (const secret of [JWT, ACCESS_TOKEN, 'Okafor', 'Adaeze']) expect(text).not.toContain(secret);
  });
});
