import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

/** The timeline app's settings (docs/app.md): card links, OAuth client id, page policy origins. */
describe('CDS_SMART_LINKS', () => {
  test('cards link the timeline app unless a site turns the link off', () => {
    expect(loadConfig({}).smartLinks).toBe(true);
    expect(loadConfig({ CDS_SMART_LINKS: 'on' }).smartLinks).toBe(true);
    expect(loadConfig({ CDS_SMART_LINKS: ' OFF ' }).smartLinks).toBe(false);
  });

  test('a value other than on or off stops start-up, naming the setting', () => {
    expect(() => loadConfig({ CDS_SMART_LINKS: 'no' })).toThrow(ConfigError);
    expect(() => loadConfig({ CDS_SMART_LINKS: 'no' })).toThrow(
      'CDS_SMART_LINKS must be "on" or "off", not "no"',
    );
  });
});

describe('CDS_SMART_CLIENT_ID', () => {
  test('defaults to ln-cds-hooks-timeline, the id docs/app.md asks EHRs to register', () => {
    expect(loadConfig({}).smartClientId).toBe('ln-cds-hooks-timeline');
    expect(loadConfig({ CDS_SMART_CLIENT_ID: 'north-ehr-8812' }).smartClientId).toBe('north-ehr-8812');
  });

  test('a client id with characters RFC 6749 does not allow stops start-up', () => {
    expect(() => loadConfig({ CDS_SMART_CLIENT_ID: 'ßad' })).toThrow(/^CDS_SMART_CLIENT_ID must be/);
  });
});

describe('CDS_APP_CONNECT_SRC and CDS_APP_FRAME_ANCESTORS', () => {
  test('are lists of origins', () => {
    const config = loadConfig({
      CDS_APP_CONNECT_SRC: 'https://auth.north.example.org, https://fhir.north.example.org/',
      CDS_APP_FRAME_ANCESTORS: 'https://ehr.north.example.org',
    });
    expect(config.appConnectSrc).toEqual([
      'https://auth.north.example.org',
      'https://fhir.north.example.org',
    ]);
    expect(config.appFrameAncestors).toEqual(['https://ehr.north.example.org']);
    expect(loadConfig({}).appConnectSrc).toEqual([]);
  });

  test('a path, a wildcard or a CSP keyword is refused, naming the setting', () => {
    expect(() => loadConfig({ CDS_APP_CONNECT_SRC: 'https://auth.example.org/token' })).toThrow(
      'CDS_APP_CONNECT_SRC: "https://auth.example.org/token" is not an origin (scheme://host[:port])',
    );
    expect(() => loadConfig({ CDS_APP_FRAME_ANCESTORS: '*' })).toThrow(/^CDS_APP_FRAME_ANCESTORS: "\*"/);
    expect(() => loadConfig({ CDS_APP_CONNECT_SRC: "'unsafe-inline'" })).toThrow(ConfigError);
  });
});
