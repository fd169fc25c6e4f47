import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/open-store';
import type { Store } from '../../src/store/store';
import {
  callHook,
  killHard,
  lowTroughPatientView,
  sendOverride,
  startService,
  type AnsweredCard,
  type ServiceProcess,
} from '../support/service-process';

/**
 * The embedded store (PGlite) under the faults an operator meets: a second container started on
 * the same volume, and kill -9 (OOM killer, `docker kill`, a node drained hard). What was
 * acknowledged — feedback answered 200, and in durable mode a card answered — is never lost;
 * in batched mode (the default) a kill -9 loses at most the last batch window of issued-card
 * records (docs/deploy.md "Durability").
 */
const scratch = mkdtempSync(path.join(tmpdir(), 'ln-cds-embedded-'));
let dirs = 0;
const freshDataDir = (): string => path.join(scratch, `data-${(dirs += 1)}`);

/** docs/deploy.md: the batch interval (250 ms), with room for the write in progress and a busy host. */
const BATCH_LOSS_BOUND_MS = 750;

const running: ServiceProcess[] = [];
function start(env: Record<string, string>, nodeArgs?: string[]): ServiceProcess {
  const service = startService({ env, ...(nodeArgs === undefined ? {} : { nodeArgs }) });
  running.push(service);
  return service;
}
afterEach(() => {
  for (const service of running.splice(0)) service.child.kill('SIGKILL');
});

async function withStore<T>(dataDir: string, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore({
    pgliteDataDir: dataDir,
    now: () => new Date(),
    onBackgroundError: () => undefined,
  });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/**
 * Patient-view calls from `concurrency` clients, back to back, until the service dies; each
 * card is kept with the moment its answer was read. Returns the cards and the moment of the kill.
 */
async function hooksUntilKilled(
  service: ServiceProcess,
  base: string,
  options: { concurrency: number; killAfterMs: number },
): Promise<{ cards: AnsweredCard[]; killedAt: number }> {
  const body = await lowTroughPatientView(base);
  const cards: AnsweredCard[] = [];
  let alive = true;
  const client = async (): Promise<void> => {
    while (alive) {
      try {
        cards.push(...(await callHook(base, body())));
      } catch {
        return; // the connection died with the service
      }
    }
  };
  const clients = Array.from({ length: options.concurrency }, client);
  await new Promise((resolve) => setTimeout(resolve, options.killAfterMs));
  const killedAt = performance.now();
  service.child.kill('SIGKILL');
  alive = false;
  await Promise.all(clients);
  await service.exited;
  return { cards: cards.filter((card) => card.answeredAt <= killedAt), killedAt };
}

async function missingRecords(dataDir: string, cards: readonly AnsweredCard[]): Promise<AnsweredCard[]> {
  return withStore(dataDir, async (store) => {
    const missing: AnsweredCard[] = [];
    for (const card of cards) if ((await store.findIssuedCard(card.uuid)) === undefined) missing.push(card);
    return missing;
  });
}

describe('the embedded store across processes', () => {
  test('a second service on the same data directory is refused, even with the pid of the first (two containers, both pid 1)', async () => {
    const dataDir = freshDataDir();
    const first = start({ CDS_DATA_DIR: dataDir });
    const base = await first.listening;
    const pid = first.child.pid ?? 0;

    const second = start({ CDS_DATA_DIR: dataDir, SAME_PID: String(pid) }, [
      '--import',
      './test/support/same-pid-preload.ts',
    ]);
    const outcome = await Promise.race([second.exited, second.listening.then(() => 'listening')]);
    expect(outcome).toBe(1);
    expect(second.output()).toMatch(
      /cannot open the store: the PGlite data directory \S+ is in use by another running process \(pid \d+ on host /,
    );

    // The first keeps serving and storing.
    const stamp = new Date().toISOString();
    for (let index = 0; index < 20; index += 1) {
      expect(await sendOverride(base, `card-${index}`, stamp)).toBe(200);
    }
    await killHard(first);
    const report = await withStore(dataDir, (store) => store.feedbackReport());
    expect(report.rules).toEqual([
      {
        ruleCode: null, // cards this service has no record of: the test made them up
        issued: 0,
        shadow: 0,
        accepted: 0,
        overridden: 20,
        overrideReasons: [{ system: null, code: null, display: null, cards: 20 }],
      },
    ]);
  }, 120_000);

  test('feedback answered 200 is kept through a kill -9 right after the answer: it is stored before the answer', async () => {
    const dataDir = freshDataDir();
    const service = start({ CDS_DATA_DIR: dataDir });
    const base = await service.listening;
    const stamp = new Date().toISOString();
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, index) => sendOverride(base, `card-${index}`, stamp)),
    );
    await killHard(service);
    expect(answers.every((status) => status === 200)).toBe(true);
    const report = await withStore(dataDir, (store) => store.feedbackReport());
    expect(report.rules).toEqual([
      {
        ruleCode: null, // cards this service has no record of: the test made them up
        issued: 0,
        shadow: 0,
        accepted: 0,
        overridden: 40,
        overrideReasons: [{ system: null, code: null, display: null, cards: 40 }],
      },
    ]);
  }, 120_000);

  test('CDS_ISSUED_CARDS=durable: every card answered before a kill -9 has its record, and feedback after the restart is attributed to its rule', async () => {
    const dataDir = freshDataDir();
    const service = start({ CDS_DATA_DIR: dataDir, CDS_ISSUED_CARDS: 'durable' });
    const base = await service.listening;
    expect(service.output()).toContain('"issuedCards":"durable"');
    const { cards } = await hooksUntilKilled(service, base, { concurrency: 8, killAfterMs: 1500 });
    expect(cards.length).toBeGreaterThan(20);
    expect(await missingRecords(dataDir, cards)).toEqual([]);

    // Restarted at once on the same directory (the dead holder's lock went with it).
    const restarted = start({ CDS_DATA_DIR: dataDir, CDS_ISSUED_CARDS: 'durable' });
    const restartedBase = await restarted.listening;
    const last = cards[cards.length - 1];
    expect(await sendOverride(restartedBase, last?.uuid ?? '', new Date().toISOString())).toBe(200);
    await killHard(restarted);
    const report = await withStore(dataDir, (store) => store.feedbackReport());
    // Issued: the cards read before the kill, and any committed whose answer the kill cut off.
    expect(report.rules).toEqual([
      {
        ruleCode: 'tacrolimus-trough-low',
        issued: expect.any(Number),
        shadow: 0,
        accepted: 0,
        overridden: 1,
        overrideReasons: [{ system: null, code: null, display: null, cards: 1 }],
      },
    ]);
    expect(report.rules[0]?.issued).toBeGreaterThanOrEqual(cards.length);
  }, 180_000);

  test('CDS_ISSUED_CARDS=batched (the default): a kill -9 loses only records of cards answered in the last batch window', async () => {
    const dataDir = freshDataDir();
    const service = start({ CDS_DATA_DIR: dataDir });
    const base = await service.listening;
    const { cards, killedAt } = await hooksUntilKilled(service, base, { concurrency: 8, killAfterMs: 1500 });
    expect(cards.length).toBeGreaterThan(20);
    const missing = await missingRecords(dataDir, cards);
    const ages = missing.map((card) => Math.round(killedAt - card.answeredAt));
    // Every card answered longer ago than the window is recorded; what is lost is recent.
    for (const age of ages) expect(age).toBeLessThan(BATCH_LOSS_BOUND_MS);
    process.stdout.write(
      `batched, kill -9: ${missing.length} of ${cards.length} records lost` +
        (ages.length > 0
          ? `, answered ${Math.min(...ages)}–${Math.max(...ages)} ms before the kill\n`
          : '\n'),
    );
  }, 180_000);
});
