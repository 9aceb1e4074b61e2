import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { ProblemDetailsFilter, validationPipe } from '@o2c/platform';
import { type ConsoleEnv } from './config/env.schema';
import { ConsoleModule } from './console.module';
import { UpstreamErrorFilter } from './gateway/upstream-error.filter';

/** The gateway's OpenAPI document: its own routes (the timeline, the pipeline) and the pass-through. */
export function consoleOpenApi(app: INestApplication): Record<string, unknown> {
  const config = new DocumentBuilder()
    .setTitle('o2c console gateway')
    .setDescription(
      "The operations console's API: the timeline and pipeline it gathers from the four services, and /api/<service>/... passed to them. Every call carries the operator's Authorization: Bearer <ADMIN_TOKEN>.",
    )
    .setVersion('1')
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, config) as unknown as Record<string, unknown>;
  // @All maps SEARCH too, which OpenAPI has no field for.
  for (const item of Object.values(document.paths as Record<string, Record<string, unknown>>))
    delete item.search;
  const components = (document.components ?? {}) as Record<string, Record<string, unknown>>;
  components.schemas = {
    ...components.schemas,
    Problem: {
      type: 'object',
      required: ['type', 'title', 'status'],
      properties: {
        type: { type: 'string' },
        title: { type: 'string' },
        status: { type: 'integer' },
        detail: { type: 'string' },
        instance: { type: 'string' },
        code: { type: 'string' },
        service: { type: 'string', description: 'The service that did not answer or refused' },
      },
    },
  };
  return { ...document, components, security: [{ bearer: [] }] };
}

/** The console's Nest application from validated settings (used by main.ts and the tests). */
export async function createConsoleApp(env: ConsoleEnv): Promise<NestExpressApplication> {
  // No body parser: the pass-through sends the bytes as they came.
  const app = await NestFactory.create<NestExpressApplication>(ConsoleModule.forRoot(env), {
    bodyParser: false,
  });
  app.useGlobalPipes(validationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(new Logger('console')), new UpstreamErrorFilter());
  // The page holds the operator's token: it is never framed by another site, nor its files read as another type.
  app.use((_request: Request, response: Response, next: () => void) => {
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('content-security-policy', "frame-ancestors 'none'");
    response.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  app.useStaticAssets(env.WEB_ROOT, { index: 'index.html' });
  const document = consoleOpenApi(app);
  app.use('/api/openapi.json', (_request: Request, response: Response) => {
    response.json(document);
  });
  return app;
}
