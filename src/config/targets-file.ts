import Ajv, { type ErrorObject } from 'ajv';
import { ConfigError } from '../errors';
import { readJsonFile } from './json-file';
import { DEFAULT_TARGETS, type Targets } from '../logic/targets';

/**
 * CDS_TARGETS_FILE (service-contract.md; clinical-rules.md §6 "Targets ... are defaults that a
 * site can change in a validated configuration file, without code changes"). The file is a partial
 * override: every field is optional and is deep-merged over DEFAULT_TARGETS. Unknown fields are
 * refused (a misspelt key must not silently leave the default in force), numbers are ≥ 0, windows
 * and month counts are whole numbers, and every range keeps min ≤ max after the merge.
 */

type JsonSchema = Readonly<Record<string, unknown>>;

/** Fields counting days or months are whole numbers (calendar-month arithmetic, §7). */
const WHOLE_NUMBER_FIELD = /(Days|Months)$/;

/** The schema mirrors the shape of DEFAULT_TARGETS, so a new target is configurable at once. */
function schemaOf(value: unknown, key: string): JsonSchema {
  if (typeof value === 'number') {
    return { type: WHOLE_NUMBER_FIELD.test(key) ? 'integer' : 'number', minimum: 0 };
  }
  const properties: Record<string, JsonSchema> = {};
  for (const [child, childValue] of Object.entries(value as object)) {
    properties[child] = schemaOf(childValue, child);
  }
  return { type: 'object', additionalProperties: false, properties };
}

// Compiled once, at module load (fastify: schemas compiled at start).
const validateOverride = new Ajv({ allErrors: false, strict: true }).compile(schemaOf(DEFAULT_TARGETS, ''));

/** Reads the file at `path` over the defaults; no path → the defaults. Throws ConfigError naming the field. */
export function loadTargetsFile(path: string | undefined): Targets {
  if (path === undefined) return DEFAULT_TARGETS;
  const json = readJsonFile('CDS_TARGETS_FILE', path);
  return parseTargets(json);
}

/** Validates a parsed override and merges it over the defaults into frozen Targets. */
export function parseTargets(json: unknown): Targets {
  if (!validateOverride(json)) {
    throw new ConfigError(`CDS_TARGETS_FILE: ${describeAjvError(validateOverride.errors)}`);
  }
  const merged = mergeOver(DEFAULT_TARGETS, json);
  checkRanges(merged, '');
  return deepFreeze(merged) as Targets;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergeOver(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeOver(base[key], value);
  return merged;
}

/** Every `{ min, max }` range must stay ordered, including when only one end was overridden. */
function checkRanges(value: unknown, at: string): void {
  if (!isPlainObject(value)) return;
  const { min, max } = value;
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    throw new ConfigError(`CDS_TARGETS_FILE: ${at}/min (${min}) must not be above ${at}/max (${max})`);
  }
  for (const [key, child] of Object.entries(value)) checkRanges(child, `${at}/${key}`);
}

function deepFreeze(value: unknown): unknown {
  if (isPlainObject(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function describeAjvError(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  if (!error) return 'is invalid';
  const location = error.instancePath || '/';
  const params = error.params as { additionalProperty?: string };
  if (params.additionalProperty !== undefined) {
    return `${error.instancePath}/${params.additionalProperty} is not a known target`;
  }
  return `${location} ${error.message ?? 'is invalid'}`;
}
