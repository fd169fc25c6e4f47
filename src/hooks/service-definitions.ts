import { readFileSync } from 'node:fs';
import path from 'node:path';
import type Ajv from 'ajv';
import type { HookName } from '../logic/record/patient-record';
import { issuesFromAjv } from './ajv';

/**
 * The discovery definitions (CDS Hooks 2.0 §Discovery) live in `cds-services.json` at the
 * repository root; they are validated at start-up and every id must be bound to a handler.
 */
export interface ServiceDefinition {
  readonly id: string;
  readonly hook: HookName;
  readonly title: string;
  readonly description: string;
  readonly prefetch: Readonly<Record<string, string>>;
}

export const SERVICE_DEFINITIONS_FILE = path.join(__dirname, '..', '..', 'cds-services.json');

const HOOKS: readonly HookName[] = ['patient-view', 'order-select', 'order-sign', 'medication-prescribe'];

const discoverySchema = {
  type: 'object',
  required: ['services'],
  additionalProperties: false,
  properties: {
    services: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['hook', 'id', 'title', 'description', 'prefetch'],
        additionalProperties: false,
        properties: {
          hook: { enum: HOOKS },
          id: { type: 'string', pattern: '^[a-z0-9-]+$' },
          title: { type: 'string', minLength: 1 },
          description: { type: 'string', minLength: 1 },
          prefetch: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

/**
 * Loads and checks the definitions. `boundKeys` are the prefetch keys the data gatherer knows how
 * to read; a template under any other key would be asked of the EHR and then ignored.
 */
export function loadServiceDefinitions(
  ajv: Ajv,
  boundKeys: ReadonlySet<string>,
  file: string = SERVICE_DEFINITIONS_FILE,
): readonly ServiceDefinition[] {
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const validate = ajv.compile<{ services: ServiceDefinition[] }>(discoverySchema);
  if (!validate(parsed)) {
    const problems = issuesFromAjv(validate.errors).map((issue) => issue.message);
    throw new Error(`${file}: ${problems.join('; ')}`);
  }
  const ids = new Set<string>();
  for (const service of parsed.services) {
    if (ids.has(service.id)) throw new Error(`${file}: service id "${service.id}" is listed twice`);
    ids.add(service.id);
    for (const key of Object.keys(service.prefetch)) {
      if (!boundKeys.has(key)) throw new Error(`${file}: ${service.id} prefetch key "${key}" has no reader`);
    }
    for (const [key, template] of Object.entries(service.prefetch)) {
      const tokens = template.match(/\{\{[^}]*\}\}/g) ?? [];
      for (const token of tokens) {
        if (token !== '{{context.patientId}}' && token !== '{{userPractitionerId}}') {
          throw new Error(`${file}: ${service.id} prefetch "${key}" uses unsupported token ${token}`);
        }
      }
    }
  }
  return Object.freeze(parsed.services.map((service) => Object.freeze(service)));
}
