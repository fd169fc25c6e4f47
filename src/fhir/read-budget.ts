import { FhirQueryError } from '../errors';

/**
 * How many bytes one hook may read from FHIR servers. A five-year record's searches are a few
 * hundred KB; without a limit one answer of 48 MB was held whole (RSS +160 MB) and a 200 MB
 * stream blocked the event loop for half a second when it was decoded. Bytes are counted as they
 * arrive, after any Content-Encoding is undone (what the process holds), so a small gzip answer
 * that inflates without end is cut too.
 */
export interface ReadLimits {
  /** Bytes one answer may have (CDS_FHIR_MAX_RESPONSE). */
  readonly maxResponseBytes: number;
  /** Bytes all of one hook's answers may have together, pages and Medication reads included (CDS_FHIR_MAX_PER_HOOK). */
  readonly maxHookBytes: number;
}

export interface ReadBudget {
  /** Throws `too-large` when an answer that declares `bytes` cannot fit: refused before reading it. */
  expect(bytes: number): void;
  /** Counts `bytes` more of an answer now `answerBytes` long; throws `too-large` past either limit. */
  spend(bytes: number, answerBytes: number): void;
}

/** One budget per hook: its queries run in parallel and draw on it together. */
export function createReadBudget(limits: ReadLimits): ReadBudget {
  let spent = 0;
  const check = (answerBytes: number, hookBytes: number): void => {
    if (answerBytes > limits.maxResponseBytes) {
      throw new FhirQueryError(
        'too-large',
        `an answer over ${formatBytes(limits.maxResponseBytes)}, CDS_FHIR_MAX_RESPONSE`,
      );
    }
    if (hookBytes > limits.maxHookBytes) {
      throw new FhirQueryError(
        'too-large',
        `this hook's answers together over ${formatBytes(limits.maxHookBytes)}, CDS_FHIR_MAX_PER_HOOK`,
      );
    }
  };
  return {
    expect: (bytes) => check(bytes, spent + bytes),
    spend(bytes, answerBytes) {
      spent += bytes;
      check(answerBytes, spent);
    },
  };
}

/** `4 MB`, `512 KB` or `1500 bytes`, as the settings are written. */
function formatBytes(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}
