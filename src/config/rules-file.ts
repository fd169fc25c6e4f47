import { createHash } from 'node:crypto';
import Ajv, { type ErrorObject } from 'ajv';
import { ConfigError } from '../errors';
import { readJsonFile } from './json-file';
import type { Targets } from '../logic/targets';
import { RULE_CODES, RULE_MODES, type RuleCode, type RuleMode } from '../logic/vocabulary/rule-codes';

/**
 * CDS_RULES_FILE (service-contract.md, "Rule settings and administration"): per rule code, and
 * optionally per tenant, whether a rule is `active`, `shadow` or `off`. A CDS committee runs a new
 * rule in shadow first and watches how often it would fire before showing it. Every field is
 * checked at start-up: an unknown rule code, mode, key or tenant stops the service with a message
 * naming it, because a misspelt code would silently leave the rule in its default mode.
 */
export type ModeTable = Readonly<Partial<Record<RuleCode, RuleMode>>>;

export interface RuleSettings {
  readonly rules: ModeTable;
  readonly tenants: Readonly<Record<string, ModeTable>>;
  /** Hex SHA-256 of the settings in canonical form: part of the rule-set version in the audit trail. */
  readonly hash: string;
}

export interface RuleSettingsOptions {
  /** The tenants named in CDS_CLIENTS_FILE: only these may have settings. */
  readonly knownTenants: ReadonlySet<string>;
  /** Names the file in error messages. */
  readonly source?: string;
}

const modeTableSchema = {
  type: 'object',
  propertyNames: { enum: RULE_CODES.map((entry) => entry.code) },
  additionalProperties: { enum: RULE_MODES },
} as const;

const rulesFileSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rules: modeTableSchema,
    tenants: {
      type: 'object',
      propertyNames: { minLength: 1, maxLength: 256 },
      additionalProperties: modeTableSchema,
    },
  },
} as const;

// Compiled once, at module load.
const validateRulesFile = new Ajv({ allErrors: false, strict: true }).compile(rulesFileSchema);

/** Every rule active: the default without a file, as before rule settings existed. */
export const ALL_RULES_ACTIVE: RuleSettings = settingsOf({}, {});

/** Reads CDS_RULES_FILE; no path → every rule active. Throws ConfigError naming the problem. */
export function loadRulesFile(path: string | undefined, options: RuleSettingsOptions): RuleSettings {
  if (path === undefined) return ALL_RULES_ACTIVE;
  const json = readJsonFile('CDS_RULES_FILE', path);
  return parseRuleSettings(json, { ...options, source: options.source ?? path });
}

export function parseRuleSettings(json: unknown, options: RuleSettingsOptions): RuleSettings {
  const where = `CDS_RULES_FILE${options.source ? ` (${options.source})` : ''}`;
  if (!validateRulesFile(json)) {
    throw new ConfigError(`${where}: ${describe(validateRulesFile.errors?.[0])}`);
  }
  const file = json as { rules?: Record<string, RuleMode>; tenants?: Record<string, Record<string, RuleMode>> };
  for (const tenant of Object.keys(file.tenants ?? {})) {
    if (!options.knownTenants.has(tenant)) {
      throw new ConfigError(
        `${where}: tenant "${tenant}" is not the tenant of any client in CDS_CLIENTS_FILE`,
      );
    }
  }
  return settingsOf(file.rules ?? {}, file.tenants ?? {});
}

/** The mode of a rule for a call: the tenant's setting, else the site's, else `active`. */
export function modeOf(settings: RuleSettings, tenant: string | undefined, code: RuleCode): RuleMode {
  const forTenant = tenant === undefined ? undefined : settings.tenants[tenant]?.[code];
  return forTenant ?? settings.rules[code] ?? 'active';
}

function settingsOf(rules: ModeTable, tenants: Readonly<Record<string, ModeTable>>): RuleSettings {
  const canonical = JSON.stringify({
    rules: sortedEntries(rules),
    tenants: Object.keys(tenants)
      .sort()
      .map((tenant) => [tenant, sortedEntries(tenants[tenant] ?? {})]),
  });
  return Object.freeze({
    rules: Object.freeze({ ...rules }),
    tenants: Object.freeze(
      Object.fromEntries(Object.entries(tenants).map(([tenant, table]) => [tenant, Object.freeze({ ...table })])),
    ),
    hash: createHash('sha256').update(canonical).digest('hex'),
  });
}

function sortedEntries(table: ModeTable): [string, string][] {
  return Object.entries(table)
    .filter((entry): entry is [string, RuleMode] => entry[1] !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
}

function describe(error: ErrorObject | undefined): string {
  if (error === undefined) return 'invalid';
  const at = error.instancePath || '/';
  // A key refused by `propertyNames` is reported as the key's own error, naming it.
  if (error.propertyName !== undefined) {
    return at === '/tenants'
      ? `tenant name "${error.propertyName}" must have 1 to 256 characters`
      : `unknown rule code "${error.propertyName}" at ${at}`;
  }
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(error.params.additionalProperty)}" at ${at}`;
    case 'enum':
      return `${at}: must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return `${at}: ${error.message ?? 'invalid'}`;
  }
}

/**
 * The rule-set version the audit trail records with every card: the package version and a short
 * hash of the targets and rule settings in force, so "which rules told what" has one answer even
 * after a site retunes a threshold or switches a rule to shadow.
 */
export function rulesetVersion(packageVersion: string, targets: Targets, settings: RuleSettings): string {
  const hash = createHash('sha256').update(JSON.stringify(targets)).update('\n').update(settings.hash).digest('hex');
  return `${packageVersion}+${hash.slice(0, 12)}`;
}
