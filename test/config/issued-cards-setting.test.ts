import { ConfigError } from '../../src/errors';
import { loadConfig } from '../../src/config';

/**
 * CDS_ISSUED_CARDS (docs/deploy.md "Durability"): whether a hook answers before or after its
 * cards' record is committed. A misspelt value must stop start-up, not quietly mean `batched`.
 */
describe('CDS_ISSUED_CARDS', () => {
  test('is batched when not set: hooks answer without waiting for the store', () => {
    expect(loadConfig({}).issuedCards).toBe('batched');
  });

  test('durable: hooks answer once their cards are recorded', () => {
    expect(loadConfig({ CDS_ISSUED_CARDS: 'durable' }).issuedCards).toBe('durable');
    expect(loadConfig({ CDS_ISSUED_CARDS: ' Durable ' }).issuedCards).toBe('durable');
  });

  test('an unknown value stops start-up with a message naming the setting and its values', () => {
    expect(() => loadConfig({ CDS_ISSUED_CARDS: 'sync' })).toThrow(ConfigError);
    expect(() => loadConfig({ CDS_ISSUED_CARDS: 'sync' })).toThrow(
      'CDS_ISSUED_CARDS must be "batched" or "durable", not "sync"',
    );
  });
});
