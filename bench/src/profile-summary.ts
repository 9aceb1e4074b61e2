import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) that a summary needs. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  readonly where: string;
  readonly selfMs: number;
  readonly share: number;
}

/** Where a profile spent its time: self time grouped by `group` (a package, a file, a function). */
export function summarizeProfile(
  profile: CpuProfile,
  group: (frame: CpuProfile['nodes'][number]['callFrame']) => string,
  top = 25,
): ProfileLine[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    total += micros;
    const key = group(byId.get(id)!.callFrame);
    self.set(key, (self.get(key) ?? 0) + micros);
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, micros]) => ({
      where,
      selfMs: Math.round(micros / 1000),
      share: Math.round((micros / total) * 1000) / 10,
    }));
}

/** A package name, an o2c file, or a V8/Node.js internal. */
export function byPackage(frame: { functionName: string; url: string }): string {
  const url = frame.url;
  if (!url) return `(${frame.functionName || 'program'})`;
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url;
  const o2c = /\/(libs|services)\/([^/]+)\/(?:dist|src)\/(.*)$/.exec(url);
  return o2c ? `${o2c[1]}/${o2c[2]}/${o2c[3]}` : url;
}

if (require.main === module) {
  const [file, mode = 'package'] = process.argv.slice(2);
  if (!file)
    throw new Error('usage: node bench/dist/profile-summary.js <file.cpuprofile> [package|function]');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const group =
    mode === 'function'
      ? (f: CpuProfile['nodes'][number]['callFrame']) => `${f.functionName || '(anonymous)'} ${byPackage(f)}`
      : byPackage;
  for (const line of summarizeProfile(profile, group, 40))
    console.log(`${String(line.selfMs).padStart(8)} ms ${String(line.share).padStart(5)} %  ${line.where}`);
}
