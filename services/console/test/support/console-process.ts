import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '@o2c/testing';

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
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repositoryRoot, 'services', 'console', 'dist', 'main.js')],
    {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH, PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the console exited with ${child.exitCode}:\n${output}`);
    const live = await fetch(`${baseUrl}/health/live`).catch(() => undefined);
    if (live?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
