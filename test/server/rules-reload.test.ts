import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callHook, lowTroughPatientView, startService, type ServiceProcess } from '../support/service-process';

/**
 * The CDS committee edits CDS_RULES_FILE and the operator sends SIGHUP: the next hook follows the
 * new settings, without a restart. A file that fails validation changes nothing, and the log says
 * why (docs/governance.md).
 */
let dir: string;
let service: ServiceProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rules-reload-'));
});
afterEach(async () => {
  service?.child.kill('SIGTERM');
  await service?.exited;
  service = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function untilLogged(service: ServiceProcess, text: string): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (service.output().includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not logged: ${text}\n${service.output()}`);
}

test('SIGHUP switches a rule to shadow for the next hook; a broken file keeps the settings in force', async () => {
  const rulesFile = path.join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify({ rules: {} }));
  service = startService({
    env: { CDS_RULES_FILE: rulesFile, CDS_DATA_DIR: path.join(dir, 'store'), LOG_LEVEL: 'info' },
  });
  const base = await service.listening;
  const lowTrough = await lowTroughPatientView(base);
  expect((await callHook(base, lowTrough())).map((card) => card.ruleCode)).toEqual(['tacrolimus-trough-low']);

  writeFileSync(rulesFile, JSON.stringify({ rules: { 'tacrolimus-trough-low': 'shadow' } }));
  service.child.kill('SIGHUP');
  await untilLogged(service, 'rule settings reloaded');
  expect(await callHook(base, lowTrough())).toEqual([]);

  writeFileSync(rulesFile, JSON.stringify({ rules: { 'tacrolimus-trough-low': 'hidden' } }));
  service.child.kill('SIGHUP');
  await untilLogged(service, 'rule settings not reloaded; the previous settings stay in force');
  expect(service.output()).toContain('must be one of active, shadow, off');
  expect(await callHook(base, lowTrough())).toEqual([]);
}, 60_000);
