import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The service's version from package.json (one level above src/ and dist/ alike). */
export function readPackageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  return typeof version === 'string' ? version : '0.0.0';
}
