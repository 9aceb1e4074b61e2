import { statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the chaos run writes its report: `--out` when it names a file, `chaos-<date>.json` inside it when it names
 * a directory that exists (as the benchmark's `--out` does), `<root>/bench/results/chaos-<date>.json` without it.
 */
export function chaosReportPath(out: string | undefined, date: string, root: string): string {
  const name = `chaos-${date}.json`;
  if (out === undefined) return join(root, 'bench', 'results', name);
  if (out.trim() === '') throw new Error('--out must name a file or a directory, not an empty string');
  return isDirectory(out) ? join(out, name) : out;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
