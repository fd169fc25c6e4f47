import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors';

/**
 * Reads one of the service's JSON settings files (CDS_TARGETS_FILE, CDS_CLIENTS_FILE,
 * CDS_RULES_FILE). A file that cannot be read or parsed stops the start-up with the setting's
 * name and the path, so the operator knows which file to fix.
 */
export function readJsonFile(setting: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${setting}: cannot read ${path}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${setting}: ${path} is not valid JSON`, { cause: error });
  }
}
