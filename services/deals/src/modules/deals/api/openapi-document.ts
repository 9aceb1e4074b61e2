import { type INestApplication, type Type } from '@nestjs/common';
import { ApplicationConfig, type HttpAdapterHost, type ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { asyncApiDocument } from '@o2c/contracts';

type Schema = Record<string, unknown>;

/** Merges a class's schema from its validation rules into swagger's (from `@ApiProperty`); the rules win. */
function merged(swagger: Schema, rules: Schema): Schema {
  const fromSwagger = (swagger['properties'] ?? {}) as Record<string, Schema>;
  const fromRules = (rules['properties'] ?? {}) as Record<string, Schema>;
  const names = [...new Set([...Object.keys(fromSwagger), ...Object.keys(fromRules)])];
  const required = [
    ...new Set([...((swagger['required'] as string[]) ?? []), ...((rules['required'] as string[]) ?? [])]),
  ];
  return {
    ...swagger,
    ...rules,
    properties: Object.fromEntries(names.map((name) => [name, { ...fromSwagger[name], ...fromRules[name] }])),
    ...(required.length > 0 ? { required } : {}),
  };
}

function missingSchemas(document: OpenAPIObject, schemas: Record<string, unknown>): string[] {
  const referenced = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map(
    (m) => m[1]!,
  );
  return [...new Set(referenced)].filter((name) => !(name in schemas));
}

/**
 * The OpenAPI 3.1 document of the deals endpoints (those of the module that serves it). Paths,
 * responses and response bodies come from the `@nestjs/swagger` decorators; request bodies and
 * everything else with class-validator rules get the JSON Schema of those rules (as the AsyncAPI
 * document does), so the document says what the service checks. `inheritingModels` are classes
 * with no rules of their own (mapped types such as `OmitType(...)` subclasses): they get their parent's.
 */
export function openApiDocument(options: {
  modules: ModulesContainer;
  adapterHost: HttpAdapterHost;
  servedBy: Type;
  inheritingModels: readonly Type[];
}): OpenAPIObject {
  // The application is built in @o2c/platform; the scanner reads only its modules, HTTP adapter and
  // config, and the service sets no global prefix or versioning, so a fresh ApplicationConfig describes it.
  const app = {
    container: { getModules: () => options.modules, isGlobalModule: () => false },
    config: new ApplicationConfig(),
    getHttpAdapter: () => options.adapterHost.httpAdapter,
  } as unknown as INestApplication;
  const include = [...options.modules.values()]
    .filter((module) => module.controllers.has(options.servedBy))
    .map((module) => module.metatype);
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('o2c deals')
    .setVersion('1.0.0')
    .setDescription(
      'Closed deals from the CRM (deal-webhook.md), the exception queue of rejected and held deals with ' +
        'their replay, and the product catalog. Every error is RFC 9457 problem+json. The events are in ' +
        '/asyncapi.json.',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'The ADMIN_TOKEN setting',
      },
      'admin',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { include });
  const rules = asyncApiDocument('1.0.0')['components'] as { schemas: Record<string, Schema> };
  const validated: Record<string, Schema> = { ...rules.schemas };
  for (const model of options.inheritingModels) {
    let parent = Object.getPrototypeOf(model) as { name?: string } | null;
    while (parent?.name && !validated[parent.name]) parent = Object.getPrototypeOf(parent) as typeof parent;
    if (parent?.name) validated[model.name] = validated[parent.name]!;
  }
  const schemas = ((document.components ??= {}).schemas ??= {}) as Record<string, Schema>;
  for (const [name, schema] of Object.entries(schemas)) {
    if (validated[name]) schemas[name] = merged(schema, validated[name]);
  }
  // Nested parts of request bodies that only the rules name, with what they name in turn.
  for (let missing = missingSchemas(document, schemas); missing.length > 0;) {
    for (const name of missing) schemas[name] = validated[name] ?? { description: 'not described' };
    missing = missingSchemas(document, schemas);
  }
  return document;
}
