import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Self time by function from a V8 .cpuprofile (`node --cpu-prof`): where the service's CPU goes.
 * Usable on its own: `npx tsx bench/profile-summary.ts <file.cpuprofile> [top]`.
 */
interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
  readonly children?: number[];
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

function place(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, '');
  const short = file.includes('node_modules/')
    ? file.slice(file.lastIndexOf('node_modules/') + 'node_modules/'.length)
    : path.relative(path.resolve(__dirname, '..'), file) || file;
  return `${functionName || '(anonymous)'} ${short ? `${short}:${lineNumber + 1}` : ''}`.trim();
}

/**
 * The main thread's profile in a --cpu-prof directory: tsx's loader thread writes one too, and
 * the biggest file is the one that ran the requests.
 */
export function busiestProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => path.join(dir, name));
  const biggest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (biggest === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  return biggest;
}

/** Top functions by self time, and self time grouped by package / source directory. */
export function summariseProfile(file: string, top = 30): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const micros = profile.timeDeltas[index] ?? 0;
    // Idle time is when the other side (the floor) was being measured: left out of the shares.
    if (!node || node.callFrame.functionName === '(idle)') return;
    total += micros;
    const name = place(node);
    self.set(name, (self.get(name) ?? 0) + micros);
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + micros);
  });
  const pct = (micros: number): string => `${((100 * micros) / total).toFixed(1).padStart(5)}%`;
  const lines = [`${(total / 1e6).toFixed(1)} s of CPU sampled (idle left out)`, 'self time by area:'];
  for (const [area, micros] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 15))
    lines.push(`  ${pct(micros)}  ${area}`);
  lines.push('top functions by self time:');
  for (const [name, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${pct(micros)}  ${name}`);
  return lines.join('\n');
}

function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native / V8)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return path.dirname(url.slice(src + 1));
  return url;
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (file === undefined) {
    process.stderr.write('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  process.stdout.write(`${summariseProfile(file, top === undefined ? 30 : Number(top))}\n`);
}
