import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { Issue } from '../errors';

/** One Ajv instance for every schema of the service: schemas are compiled once, at start-up. */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true });
  addFormats(ajv, ['uri', 'date-time']);
  return ajv;
}

/** Turns Ajv's errors into issues that name the field, e.g. `/context/patientId: is required`. */
export function issuesFromAjv(errors: readonly ErrorObject[] | null | undefined): Issue[] {
  return (errors ?? []).map((error) => {
    const missing = error.keyword === 'required' ? (error.params as { missingProperty?: string }).missingProperty : undefined;
    const location = missing === undefined ? error.instancePath || '/' : `${error.instancePath}/${missing}`;
    const message = missing === undefined ? (error.message ?? 'is invalid') : 'is required';
    const allowed =
      error.keyword === 'enum' ? ` (${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
    return { location, message: `${location} ${message}${allowed}` };
  });
}
