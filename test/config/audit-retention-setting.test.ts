import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

/** CDS_AUDIT_RETENTION_DAYS: how long the audit trail (issued cards) is kept. */
test('keeps the audit trail six years (2190 days) unless told otherwise', () => {
  expect(loadConfig({}).auditRetentionDays).toBe(2190);
});

test('takes a site retention of ten years', () => {
  expect(loadConfig({ CDS_AUDIT_RETENTION_DAYS: '3650' }).auditRetentionDays).toBe(3650);
});

test.each(['0', '-1', '6y', '2190.5'])('refuses %s at start-up, naming the setting', (value) => {
  expect(() => loadConfig({ CDS_AUDIT_RETENTION_DAYS: value })).toThrow(ConfigError);
  expect(() => loadConfig({ CDS_AUDIT_RETENTION_DAYS: value })).toThrow(
    `CDS_AUDIT_RETENTION_DAYS must be an integer from 1 to 36500, not "${value}"`,
  );
});
