import { type INestApplication, type Type } from '@nestjs/common';
import {
  GUARDS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { NestFactory } from '@nestjs/core';
import { type ModulesContainer } from '@nestjs/core/injector/modules-container';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { validationSchemas } from '@o2c/contracts';
import { DeadLettersGuard, REQUIRED_SCOPE } from '@o2c/messaging';
import { type ServiceDefinition } from '../bootstrap';
import { type ServiceEnv } from '../config/service-env';
import { AdminTokenGuard } from '../http/admin-token.guard';
import { Problem, problemContent } from './problem.response';

type Schema = Record<string, unknown>;
type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema; description?: string };

/** The security scheme of the operations endpoints. */
export const ADMIN_SECURITY = 'admin';

/** Guards that close a route to all but holders of ADMIN_TOKEN (the dead letters' delegates to `AdminTokenGuard`). */
const ADMIN_GUARDS: readonly unknown[] = [AdminTokenGuard, DeadLettersGuard];

/** What `openApiDocument` reads of an application: its modules and HTTP adapter. */
export type DocumentedApplication = Pick<INestApplication, 'getHttpAdapter'> & {
  readonly container: { getModules(): ModulesContainer; isGlobalModule(module: unknown): boolean };
  readonly config: { getGlobalPrefix(): string };
};

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

function referenced(value: unknown): string[] {
  const names = [...JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  return [...new Set(names)];
}

interface Route {
  readonly controller: Type;
  readonly method: string;
  readonly admin: boolean;
  /** The classes of its `@Body()` and `@Query()` parameters. */
  readonly bodies: Type[];
  readonly queries: Type[];
  readonly hasInput: boolean;
  /** The operations scope it declares (`@RequiresScope`), if any. */
  readonly scope: string | undefined;
}

const isClass = (value: unknown): value is Type =>
  typeof value === 'function' && ![String, Number, Boolean, Object, Array].includes(value as never);

/** Every route of every controller of the application, with what its guards and parameters are. */
function routesOf(app: DocumentedApplication): Route[] {
  const controllers = new Set<Type>();
  for (const module of app.container.getModules().values()) {
    for (const wrapper of module.controllers.values()) controllers.add(wrapper.metatype as Type);
  }
  const routes: Route[] = [];
  for (const controller of controllers) {
    const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as unknown[];
    for (const method of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[method];
      if (typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined)
        continue;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const guards = [
        ...classGuards,
        ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[]),
      ];
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, method) ?? {}) as Record<
        string,
        { index: number; data?: unknown; pipes?: unknown[] }
      >;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype as object, method) ??
        []) as unknown[];
      const ofKind = (kind: RouteParamtypes) =>
        Object.entries(args)
          .filter(([key, arg]) => key.split(':')[0] === String(kind) && arg.data === undefined)
          .map(([, arg]) => types[arg.index])
          .filter(isClass);
      routes.push({
        controller,
        method,
        admin: guards.some((guard) => ADMIN_GUARDS.includes(guard)),
        scope: (Reflect.getMetadata(REQUIRED_SCOPE, handler) ??
          Reflect.getMetadata(REQUIRED_SCOPE, controller) ??
          undefined) as string | undefined,
        bodies: ofKind(RouteParamtypes.BODY),
        queries: ofKind(RouteParamtypes.QUERY),
        // Bodies and queries are validated; a path parameter when it has a pipe (`ParseUUIDPipe`) or a class.
        hasInput: Object.entries(args).some(([key, arg]) => {
          const kind = key.split(':')[0];
          if (kind === String(RouteParamtypes.BODY) || kind === String(RouteParamtypes.QUERY)) return true;
          if (kind !== String(RouteParamtypes.PARAM)) return false;
          return (arg.pipes?.length ?? 0) > 0 || (arg.data === undefined && isClass(types[arg.index]));
        }),
      });
    }
  }
  return routes;
}

/** The validation schema of a class, or of the nearest parent that has rules (mapped types such as `OmitType`). */
function rulesOf(model: Type, validated: Record<string, Schema>): Schema | undefined {
  for (
    let type: { name?: string } | null = model;
    type?.name;
    type = Object.getPrototypeOf(type) as typeof type
  ) {
    if (validated[type.name]) return validated[type.name];
  }
  return undefined;
}

/**
 * The OpenAPI 3.1 document of every route of a service. Paths, responses and response bodies come from the
 * `@nestjs/swagger` decorators; request bodies, queries and everything else with class-validator rules get the
 * JSON Schema of those rules (as the AsyncAPI document does), so the document says what the service checks.
 * Routes behind `ADMIN_TOKEN` (`@AdminOnly()`, the dead letters) are found from their guards, not from a
 * decorator that could be forgotten: each gets the `admin` bearer scheme with the scope it declares
 * (`@RequiresScope`), and its 401 and 403 problems. Every route that
 * takes input gets its 400 problem. `@ApiExcludeController` and `@ApiExcludeEndpoint` are not used: every route
 * a service serves is described.
 */
export function openApiDocument(app: DocumentedApplication, service: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle(`o2c ${service}`)
    .setVersion('1.0.0')
    .setDescription(
      `The HTTP API of the o2c ${service} service. Every error is RFC 9457 problem+json. Operations endpoints ` +
        'take `Authorization: Bearer <key>`: `ADMIN_TOKEN` (every scope) or an API key of `API_KEYS` holding the ' +
        "scope the operation's security names; they answer 401 to everyone while neither is set. " +
        'The events every service produces and consumes are described by `GET /asyncapi.json`.',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'ADMIN_TOKEN (every scope) or an API key of API_KEYS with the scope an operation names',
      },
      ADMIN_SECURITY,
    )
    .build();
  const document = SwaggerModule.createDocument(app as unknown as INestApplication, config, {
    extraModels: [Problem],
  });
  const validated = validationSchemas();
  const routes = routesOf(app);
  const schemas = ((document.components ??= {}).schemas ??= {}) as Record<string, Schema>;
  for (const model of routes.flatMap((route) => [...route.bodies, ...route.queries])) {
    const rules = rulesOf(model, validated);
    if (rules && !validated[model.name]) validated[model.name] = rules;
  }
  for (const [name, schema] of Object.entries(schemas)) {
    if (validated[name]) schemas[name] = merged(schema, validated[name]);
  }

  const operations = new Map<string, Operation>();
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (operation && typeof operation === 'object' && operation.operationId) {
        operations.set(operation.operationId, operation);
      }
    }
  }
  for (const route of routes) {
    const operation = operations.get(`${route.controller.name}_${route.method}`);
    if (!operation) throw new Error(`no operation for ${route.controller.name}.${route.method}`);
    const parameters = (operation.parameters ??= []) as Parameter[];
    for (const query of route.queries) {
      const rules = validated[query.name];
      const required = new Set((rules?.['required'] as string[] | undefined) ?? []);
      for (const [name, schema] of Object.entries((rules?.['properties'] ?? {}) as Record<string, Schema>)) {
        if (parameters.some((p) => p.in === 'query' && p.name === name)) continue;
        parameters.push({ name, in: 'query', required: required.has(name), schema });
      }
    }
    if (parameters.length === 0) delete operation.parameters;
    if (route.admin) {
      operation.security = [{ [ADMIN_SECURITY]: route.scope === undefined ? [] : [route.scope] }];
      operation.responses['401'] ??= {
        description: 'No admin token or API key, or an unknown one',
        content: problemContent(),
      };
      operation.responses['403'] ??= {
        description:
          route.scope === undefined
            ? 'An API key: only ADMIN_TOKEN may use this route'
            : `An API key without the scope ${route.scope}`,
        content: problemContent(),
      };
    }
    if (route.hasInput) {
      operation.responses['400'] ??= {
        description: 'Invalid input, each field named',
        content: problemContent(),
      };
    }
  }
  // Nested parts of request bodies that only the rules name, with what they name in turn.
  for (let missing = referenced(document).filter((n) => !schemas[n]); missing.length > 0;) {
    for (const name of missing) {
      if (!validated[name])
        throw new Error(`the OpenAPI document refers to ${name}, which is described nowhere`);
      schemas[name] = validated[name];
    }
    missing = referenced(document).filter((n) => !schemas[n]);
  }
  document.components.schemas = Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((name) => [name, schemas[name]!]),
  );
  return document;
}

/**
 * The OpenAPI document of a service as built from its module graph alone: the application is created in
 * preview mode, which resolves the modules and controllers without instantiating a provider, so it needs no
 * database or Kafka (`npm run api:docs` and its tests use it). `env` must be valid settings of the service.
 */
export async function serviceOpenApiDocument<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  env: E,
): Promise<OpenAPIObject> {
  const app = await NestFactory.create(definition.appModule(env), { preview: true, logger: false });
  try {
    return openApiDocument(app as unknown as DocumentedApplication, definition.service);
  } finally {
    await app.close();
  }
}
