import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger } from '../../src/logging/logger';

/** Operators read one JSON object per line; nothing a caller logs can break the logger. */
function capture(options: { redact?: winston.Logform.Format } = {}) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const logger = createLogger({ level: 'info', transports: [new winston.transports.Stream({ stream })], ...options });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('log lines', () => {
  it('are one JSON object each, stamped with the time, the level and the service', () => {
    const { logger, lines } = capture();
    logger.child({ requestId: 'req-1' }).info('request', { status: 200, cards: 1 });
    const [line] = lines();
    expect(JSON.parse(line ?? '')).toEqual({
      level: 'info',
      message: 'request',
      requestId: 'req-1',
      service: 'ln-cds-hooks',
      status: 200,
      cards: 1,
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it('write a BigInt as a string', () => {
    const { logger, lines } = capture();
    logger.info('rows', { count: 12345678901234567890n });
    expect(JSON.parse(lines()[0] ?? '')).toMatchObject({ count: '12345678901234567890' });
  });

  it('replace an entry that cannot be serialised instead of throwing', () => {
    const { logger, lines } = capture({ redact: winston.format((info) => info)() });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => logger.warn('cyclic', { cyclic })).not.toThrow();
    expect(JSON.parse(lines()[0] ?? '')).toMatchObject({ level: 'warn', message: 'log entry could not be serialised' });
  });
});
