import { Logger } from '@nestjs/common';
import { InvalidConfigurationError, validateEnv } from '@o2c/platform';
import { ConsoleEnv } from './config/env.schema';
import { createConsoleApp } from './console-app';

async function main(): Promise<void> {
  let env: ConsoleEnv;
  try {
    env = validateEnv(ConsoleEnv, process.env);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`console: ${error.message}\n`);
    process.exit(1);
  }
  const app = await createConsoleApp(env);
  app.enableShutdownHooks();
  await app.listen(env.PORT, env.HOST);
  new Logger('console').log(`console on http://${env.HOST}:${env.PORT}`);
}

void main();
