import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Debian's Chromium, which playwright-core drives (no browser is downloaded). */
export const CHROMIUM = '/usr/bin/chromium';

/**
 * Chromium, installed from Debian's package when missing (as root, as the CI machine runs). Throws with the
 * reason when it cannot be had: the browser journeys never pass by being skipped.
 */
export function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${CHROMIUM} is missing and only root can install it: apt-get install -y chromium`);
  }
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium'],
    { encoding: 'utf8' },
  );
  if (install.status !== 0 || !existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing and apt-get could not install chromium:\n${install.stderr}`);
  }
}
