import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A case of ../shared/acceptance (see its README for the format). */
export interface AcceptanceCase {
  readonly id: string;
  readonly title: string;
  readonly hook: string;
  readonly now: string;
  readonly context: Record<string, unknown>;
  readonly fhir: { resourceType: string; id?: string }[];
  readonly expect: { readonly codes: readonly string[] };
}

/** `../shared` beside the repository (CI has it too); LN_SHARED_DIR overrides. */
export const SHARED_DIR = process.env.LN_SHARED_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared');

export function sharedDirOrSkip(sub: string): string | undefined {
  const dir = path.join(SHARED_DIR, sub);
  if (existsSync(dir)) return dir;
  if (process.env.CI === 'true') throw new Error(`${dir} is missing: with CI=true the shared ${sub} are required`);
  console.warn(`${dir} is missing: skipping the ${sub} tests`);
  return undefined;
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
