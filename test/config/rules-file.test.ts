import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClientRegistration } from '../../src/auth/client-registration';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';
import { loadRulesFile, modeOf, parseRuleSettings, rulesetVersion } from '../../src/config/rules-file';
import { DEFAULT_TARGETS } from '../../src/logic/targets';

/**
 * CDS_RULES_FILE (service-contract.md): a CDS committee's settings — each rule active, shadow or
 * off, per tenant if need be. A mistake in the file must stop the service with a message naming it,
 * never leave a rule silently in its default mode.
 */
const TENANTS = { knownTenants: new Set(['north-hospital', 'south-clinic']) };

describe('rule settings', () => {
  test('without a file every rule is active, for every tenant', () => {
    const settings = parseRuleSettings({}, TENANTS);
    expect(modeOf(settings, undefined, 'tacrolimus-trough-low')).toBe('active');
    expect(modeOf(settings, 'north-hospital', 'overimmunosuppression')).toBe('active');
  });

  test('a site runs a rule in shadow and switches another off; rules not named stay active', () => {
    const settings = parseRuleSettings(
      { rules: { 'mpa-auc-out-of-range': 'shadow', 'mycophenolate-renal-dose': 'off' } },
      TENANTS,
    );
    expect(modeOf(settings, undefined, 'mpa-auc-out-of-range')).toBe('shadow');
    expect(modeOf(settings, undefined, 'mycophenolate-renal-dose')).toBe('off');
    expect(modeOf(settings, undefined, 'tacrolimus-trough-low')).toBe('active');
  });

  test("a tenant's setting overrides the site's for that tenant's calls only", () => {
    const settings = parseRuleSettings(
      {
        rules: { 'mpa-auc-out-of-range': 'shadow' },
        tenants: { 'north-hospital': { 'mpa-auc-out-of-range': 'active', 'azathioprine-dose-low': 'off' } },
      },
      TENANTS,
    );
    expect(modeOf(settings, 'north-hospital', 'mpa-auc-out-of-range')).toBe('active');
    expect(modeOf(settings, 'north-hospital', 'azathioprine-dose-low')).toBe('off');
    expect(modeOf(settings, 'south-clinic', 'mpa-auc-out-of-range')).toBe('shadow');
    expect(modeOf(settings, undefined, 'azathioprine-dose-low')).toBe('active');
  });

  test.each([
    [{ rules: { 'tacrolimus-trough-lo': 'shadow' } }, 'unknown rule code "tacrolimus-trough-lo" at /rules'],
    [{ rules: { 'tacrolimus-trough-low': 'silent' } }, '/rules/tacrolimus-trough-low: must be one of active, shadow, off'],
    [{ rule: { 'tacrolimus-trough-low': 'off' } }, 'unknown key "rule" at /'],
    [{ tenants: { 'east-hospital': {} } }, 'tenant "east-hospital" is not the tenant of any client in CDS_CLIENTS_FILE'],
    [{ tenants: { 'north-hospital': { 'mpa-auc': 'off' } } }, 'unknown rule code "mpa-auc" at /tenants/north-hospital'],
    [['tacrolimus-trough-low'], '/: must be object'],
  ])('refuses %j, naming the problem', (file, message) => {
    expect(() => parseRuleSettings(file, TENANTS)).toThrow(ConfigError);
    expect(() => parseRuleSettings(file, TENANTS)).toThrow(message);
  });

  test('a file that is not JSON, or not there, stops the start-up with its path', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-file-'));
    const broken = path.join(dir, 'rules.json');
    writeFileSync(broken, '{ "rules": ');
    expect(() => loadRulesFile(broken, TENANTS)).toThrow(`CDS_RULES_FILE: ${broken} is not valid JSON`);
    expect(() => loadRulesFile(path.join(dir, 'absent.json'), TENANTS)).toThrow('CDS_RULES_FILE: cannot read');
  });

  test('loadConfig reads CDS_RULES_FILE and checks its tenants against the registered clients', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rules-file-'));
    const file = path.join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify({ tenants: { 'north-hospital': { 'overimmunosuppression': 'shadow' } } }));
    const north: ClientRegistration = {
      iss: 'https://ehr.north.example.org',
      keySource: { kind: 'remote', jwksUrl: 'https://ehr.north.example.org/jwks' },
      fhirServers: [],
      tenant: 'north-hospital',
    };
    const config = loadConfig(
      { CDS_RULES_FILE: file, CDS_CLIENTS_FILE: 'clients.json' },
      { loadRules: loadRulesFile, loadClients: () => [north] },
    );
    expect(modeOf(config.ruleSettings, 'north-hospital', 'overimmunosuppression')).toBe('shadow');
    expect(() => loadConfig({ CDS_RULES_FILE: file }, { loadRules: loadRulesFile })).toThrow(
      'tenant "north-hospital" is not the tenant of any client',
    );
  });

  test('the rule-set version changes when a rule changes mode or a target changes, and only then', () => {
    const allActive = parseRuleSettings({}, TENANTS);
    const shadow = parseRuleSettings({ rules: { 'mpa-auc-out-of-range': 'shadow' } }, TENANTS);
    const sameShadow = parseRuleSettings({ rules: { 'mpa-auc-out-of-range': 'shadow' } }, TENANTS);
    const version = (settings: typeof allActive, targets = DEFAULT_TARGETS) => rulesetVersion('1.2.0', targets, settings);
    expect(version(allActive)).toMatch(/^1\.2\.0\+[0-9a-f]{12}$/);
    expect(version(shadow)).toBe(version(sameShadow));
    expect(version(shadow)).not.toBe(version(allActive));
    const retuned = { ...DEFAULT_TARGETS, tacrolimus: { ...DEFAULT_TARGETS.tacrolimus, troughNgPerMl: { min: 5, max: 7 } } };
    expect(version(allActive, retuned)).not.toBe(version(allActive));
  });
});
