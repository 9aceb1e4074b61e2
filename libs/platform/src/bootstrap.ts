import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { connectInboxConsumer } from '@o2c/messaging';
import { traceRequests } from '@o2c/observability';
import { Logger } from 'nestjs-pino';
import { type ServiceEnv } from './config/service-env';
import { InvalidConfigurationError, validateEnv } from './config/validate-env';
import { ProblemDetailsFilter, validationPipe } from './http/problem-details';
import { cacheValidationMetadata, useKeyedValidatorContainer } from './http/validation-metadata-cache';

/** Largest request body a service reads (the deal webhook's limit). */
export const MAX_BODY = '1mb';

/**
 * Refuses, while parsing a JSON body, any string or key holding the NUL character (`\u0000`): valid JSON, but no
 * PostgreSQL text can store it. The body parser answers 400 with this message, before anything reads the body.
 */
export function refuseNul(key: string, value: unknown): unknown {
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) {
    throw new Error(
      `${key === '' ? 'the body' : `"${key.replaceAll('\u0000', '\\u0000')}"`} holds the NUL character (\\u0000), which o2c cannot store`,
    );
  }
  return value;
}

export interface ServiceDefinition<E extends ServiceEnv> {
  readonly service: string;
  readonly envSchema: new () => E;
  readonly appModule: (env: E) => DynamicModule;
}

/** Builds the Nest application of a service from validated settings (used by `main.ts` and by tests). */
export async function createServiceApp<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  env: E,
): Promise<INestApplication> {
  // Every request body, event in and event out is validated by class-validator.
  cacheValidationMetadata();
  useKeyedValidatorContainer();
  // rawBody: signatures are computed over the bytes as received.
  const app = await NestFactory.create<NestExpressApplication>(definition.appModule(env), {
    bufferLogs: true,
    rawBody: true,
    bodyParser: true,
  });
  // Before the request log's middleware, so that its lines carry the request's trace.
  app.use(traceRequests());
  app.useBodyParser('json', { limit: MAX_BODY, reviver: refuseNul });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(app.get(Logger)));
  connectInboxConsumer(app);
  return app;
}

/** Starts consuming events, then serving HTTP. */
export async function startServiceApp(app: INestApplication, port: number, host = '0.0.0.0'): Promise<void> {
  await app.startAllMicroservices();
  await app.listen(port, host);
}

/**
 * The whole life of a service process: validate the environment (a bad value stops the
 * boot with exit code 1 and names the variable), start, serve, and on SIGTERM stop taking
 * work, finish what is in flight and exit, or exit anyway after SHUTDOWN_TIMEOUT_SECONDS.
 */
export async function runService<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  rawEnv: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let env: E;
  try {
    env = validateEnv(definition.envSchema, rawEnv);
  } catch (error) {
    if (!(error instanceof InvalidConfigurationError)) throw error;
    process.stderr.write(`o2c-${definition.service}: ${error.message}\n`);
    process.exit(1);
  }
  const app = await createServiceApp(definition, env);
  const logger = app.get(Logger);
  const shutdown = (signal: NodeJS.Signals) => {
    logger.log(`o2c-${definition.service} received ${signal}, shutting down`);
    setTimeout(() => {
      process.stderr.write(
        `o2c-${definition.service}: shutdown took over ${env.SHUTDOWN_TIMEOUT_SECONDS}s, exiting\n`,
      );
      process.exit(1);
    }, env.SHUTDOWN_TIMEOUT_SECONDS * 1000).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await startServiceApp(app, env.PORT);
  logger.log(`o2c-${definition.service} listening on port ${env.PORT}`);
}
