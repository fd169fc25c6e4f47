import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** An acceptance case (fixtures/acceptance/README.md gives the format). */
export interface AcceptanceCase {
  readonly id: string;
  readonly title: string;
  readonly hook: string;
  readonly now: string;
  readonly context: Record<string, unknown>;
  readonly fhir: { resourceType: string; id?: string }[];
  readonly expect: { readonly codes: readonly string[] };
}

/**
 * The repository's copies of the public cases (fixtures/README.md): the acceptance cases, the
 * requests recorded from the CDS Hooks Sandbox and the clinical specification's tables. Tests read
 * only these; test/fixtures-in-sync.test.ts checks them against ../shared where it exists.
 */
export const FIXTURES_DIR = path.resolve(__dirname, '..', '..', 'fixtures');

export function fixturesDir(sub: 'acceptance' | 'acceptance-wave2' | 'sandbox-requests' | 'spec'): string {
  return path.join(FIXTURES_DIR, sub);
}

export function loadAcceptanceCases(dir: string): AcceptanceCase[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as AcceptanceCase);
}

/** The discovery id serving each hook (service-contract.md). */
export const SERVICE_FOR_HOOK: Readonly<Record<string, string>> = {
  'patient-view': 'ln-patient-view',
  'order-select': 'ln-order-select',
  'order-sign': 'ln-order-sign',
  'medication-prescribe': 'ln-medication-prescribe',
};
