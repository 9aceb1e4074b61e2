import { execFileSync, spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

function hasKubectl(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/**
 * kubectl, installed from Debian's kubernetes-client when missing (as root, as the CI machine runs). Throws with
 * the reason when it cannot be had: the rendering checks never pass by being skipped.
 */
export function ensureKubectl(): void {
  if (hasKubectl()) return;
  if (process.getuid?.() !== 0) {
    throw new Error('kubectl is missing and only root can install it: apt-get install -y kubernetes-client');
  }
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kubernetes-client'],
    { encoding: 'utf8' },
  );
  if (install.status !== 0 || !hasKubectl()) {
    throw new Error(`kubectl is missing and apt-get could not install kubernetes-client:\n${install.stderr}`);
  }
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Record<string, string>;
  };
  readonly spec?: Record<string, unknown>;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}

/** `kubectl kustomize <dir>`: every object of the rendered stream. */
export function kustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}
