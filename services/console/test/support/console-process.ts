import { join } from 'node:path';
import { freePort, startLiveProcess } from '@o2c/testing';

/** The console gateway running as its own process, from its build (`services/console/dist`). */
export interface ConsoleProcess {
  readonly baseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

const repositoryRoot = join(__dirname, '..', '..', '..', '..');

/** Starts `services/console/dist/main.js` with `env` and resolves once it answers `/health/live`. */
export async function startConsole(env: Record<string, string>): Promise<ConsoleProcess> {
  const port = await freePort();
  const { baseUrl, output, kill } = await startLiveProcess(
    'the console',
    [join(repositoryRoot, 'services', 'console', 'dist', 'main.js')],
    { PORT: String(port), ...env },
    port,
  );
  return { baseUrl, output, stop: () => kill('SIGTERM') };
}
