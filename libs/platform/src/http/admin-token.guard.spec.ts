import { Body, Controller, Get, type INestApplication, Module, Post } from '@nestjs/common';
import { type ExecutionContext, ForbiddenException, Logger, UnauthorizedException } from '@nestjs/common';
import { REQUIRED_SCOPE } from '@o2c/messaging';
import { NestFactory } from '@nestjs/core';
import { IsString } from 'class-validator';
import {
  ADMIN_TOKEN_SETTINGS,
  AdminOnly,
  AdminTokenGuard,
  type AdminTokenSettings,
} from './admin-token.guard';
import { apiKeyDigest, parseApiKeys } from './api-keys';
import { ProblemDetailsFilter, validationPipe } from './problem-details';

const TOKEN = 'a'.repeat(31) + 'Z-._~+/0123456789';

interface Call {
  readonly headers: Record<string, string>;
  readonly set: Record<string, string>;
}

/** Route handlers: one that declares the scope `deals:replay`, one that declares none. */
const replay = (): void => undefined;
const undeclared = (): void => undefined;
Reflect.defineMetadata(REQUIRED_SCOPE, 'deals:replay', replay);
class Scoped {}

function contextOf(
  authorization?: string,
  handler: () => void = replay,
): { context: ExecutionContext; call: Call } {
  const call: Call = { headers: authorization === undefined ? {} : { authorization }, set: {} };
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({
        header: (name: string) => call.headers[name.toLowerCase()],
        method: 'POST',
        path: '/v1/deals/replay',
      }),
      getResponse: () => ({ setHeader: (name: string, value: string) => (call.set[name] = value) }),
    }),
    getHandler: () => handler,
    getClass: () => Scoped,
  } as unknown as ExecutionContext;
  return { context, call };
}

function refusalOf(sut: AdminTokenGuard, authorization?: string) {
  const { context, call } = contextOf(authorization);
  try {
    sut.canActivate(context);
  } catch (error) {
    if (!(error instanceof UnauthorizedException)) throw error;
    return { status: error.getStatus(), body: error.getResponse(), headers: call.set };
  }
  throw new Error('expected a refusal');
}

describe(AdminTokenGuard.name, () => {
  const sut = new AdminTokenGuard({ service: 'subscriptions', token: TOKEN });
  const refused = (detail: string) => ({
    status: 401,
    body: { title: 'Admin token required', detail, code: 'SUBSCRIPTIONS.ADMIN_TOKEN_REQUIRED' },
    headers: { 'WWW-Authenticate': 'Bearer realm="o2c-subscriptions"' },
  });
  const required = refused('an Authorization: Bearer <admin token or API key> header is required');
  const wrong = refused('the bearer token is neither the admin token nor an API key');

  it('lets the bearer of the token through, whatever the case of the scheme', () => {
    expect(sut.canActivate(contextOf(`Bearer ${TOKEN}`).context)).toBe(true);
    expect(sut.canActivate(contextOf(`bearer ${TOKEN}`).context)).toBe(true);
    expect(sut.canActivate(contextOf(`Bearer  ${TOKEN} `).context)).toBe(true);
  });

  it('refuses a request without a bearer token', () => {
    expect(refusalOf(sut)).toEqual(required);
    expect(refusalOf(sut, '')).toEqual(required);
    expect(refusalOf(sut, 'Bearer')).toEqual(required);
    expect(refusalOf(sut, `Basic ${TOKEN}`)).toEqual(required);
    expect(refusalOf(sut, `Bearer ${TOKEN} extra`)).toEqual(required);
  });

  it('refuses any other token: longer, shorter, one character off, another case', () => {
    for (const other of [`${TOKEN}x`, TOKEN.slice(1), `b${TOKEN.slice(1)}`, TOKEN.toUpperCase()]) {
      expect(refusalOf(sut, `Bearer ${other}`)).toEqual(wrong);
    }
  });

  it('refuses everyone, the would-be token included, when ADMIN_TOKEN is unset or empty', () => {
    const closed = refused('the admin endpoints are closed: neither ADMIN_TOKEN nor API_KEYS is set');
    for (const token of [undefined, '']) {
      const unset = new AdminTokenGuard({ service: 'subscriptions', token });
      expect(refusalOf(unset, `Bearer ${TOKEN}`)).toEqual(closed);
      expect(refusalOf(unset, 'Bearer ')).toEqual(closed);
      expect(refusalOf(unset)).toEqual(closed);
    }
  });
});

describe(`${AdminTokenGuard.name} with API keys`, () => {
  const REPLAYER = 'o2c_replayer-key-0123456789';
  const READER = 'o2c_reader-key-0123456789';
  const keys = parseApiKeys(
    JSON.stringify([
      { id: 'ops-replayer', sha256: apiKeyDigest(REPLAYER), scopes: ['deals:read', 'deals:replay'] },
      { id: 'ops-reader', sha256: apiKeyDigest(READER), scopes: ['deals:read'] },
    ]),
  );
  const forbiddenOf = (sut: AdminTokenGuard, authorization: string, handler?: () => void) => {
    try {
      sut.canActivate(contextOf(authorization, handler).context);
    } catch (error) {
      if (!(error instanceof ForbiddenException)) throw error;
      return { status: error.getStatus(), body: error.getResponse() };
    }
    throw new Error('expected a refusal');
  };

  it("lets a key through on a route of one of its scopes, ADMIN_TOKEN on any, and logs the key's id", () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    const sut = new AdminTokenGuard({ service: 'deals', token: TOKEN, keys });
    expect(sut.canActivate(contextOf(`Bearer ${REPLAYER}`).context)).toBe(true);
    expect(sut.canActivate(contextOf(`Bearer ${TOKEN}`).context)).toBe(true);
    expect(sut.canActivate(contextOf(`Bearer ${TOKEN}`, undeclared).context)).toBe(true);
    expect(log.mock.calls.map(([fields]) => fields as unknown)).toEqual([
      { apiKeyId: 'ops-replayer', scope: 'deals:replay', method: 'POST', path: '/v1/deals/replay' },
      { apiKeyId: 'admin-token', scope: 'deals:replay', method: 'POST', path: '/v1/deals/replay' },
      { apiKeyId: 'admin-token', scope: null, method: 'POST', path: '/v1/deals/replay' },
    ]);
    log.mockRestore();
  });

  it('answers 403 naming the key and the scope it lacks, and refuses keys on a route that declares none', () => {
    const sut = new AdminTokenGuard({ service: 'deals', token: undefined, keys });
    expect(forbiddenOf(sut, `Bearer ${READER}`)).toEqual({
      status: 403,
      body: {
        title: 'Scope required',
        detail: 'the API key "ops-reader" does not hold the scope "deals:replay"',
        code: 'DEALS.SCOPE_REQUIRED',
      },
    });
    expect(forbiddenOf(sut, `Bearer ${REPLAYER}`, undeclared).body).toEqual({
      title: 'Scope required',
      detail: 'this route declares no scope: only ADMIN_TOKEN may use it, not the API key "ops-replayer"',
      code: 'DEALS.SCOPE_REQUIRED',
    });
  });

  it('answers 401 to an unknown key, and to the digest of a key presented as the key', () => {
    const sut = new AdminTokenGuard({ service: 'deals', token: undefined, keys });
    for (const other of [`${READER}x`, apiKeyDigest(READER), TOKEN]) {
      expect(refusalOf(sut, `Bearer ${other}`).body).toEqual({
        title: 'Admin token required',
        detail: 'the bearer token is neither the admin token nor an API key',
        code: 'DEALS.ADMIN_TOKEN_REQUIRED',
      });
    }
  });
});

class RunRequest {
  @IsString()
  asOf!: string;
}

@Controller('v1/admin/runs')
@AdminOnly()
class RunsController {
  @Post()
  run(@Body() body: RunRequest) {
    return { ran: body.asOf };
  }
}

@Controller('v1/things')
class ThingsController {
  @Get()
  list() {
    return { items: [] };
  }

  @Post()
  @AdminOnly()
  create() {
    return { created: true };
  }
}

@Module({
  controllers: [RunsController, ThingsController],
  providers: [
    {
      provide: ADMIN_TOKEN_SETTINGS,
      useValue: { service: 'provisioning', token: TOKEN } satisfies AdminTokenSettings,
    },
  ],
})
class ExampleModule {}

describe(AdminOnly.name, () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await NestFactory.create(ExampleModule, { logger: false });
    app.useGlobalPipes(validationPipe());
    app.useGlobalFilters(new ProblemDetailsFilter(new Logger('test')));
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(() => app.close());

  const send = async (method: string, path: string, authorization?: string, body?: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      wwwAuthenticate: response.headers.get('www-authenticate'),
      body: await response.json(),
    };
  };

  it('answers 401 problem+json with WWW-Authenticate, before the body is validated', async () => {
    expect(await send('POST', '/v1/admin/runs', `Bearer ${'0'.repeat(64)}`, { asOf: 7 })).toEqual({
      status: 401,
      type: 'application/problem+json; charset=utf-8',
      wwwAuthenticate: 'Bearer realm="o2c-provisioning"',
      body: {
        type: 'about:blank',
        title: 'Admin token required',
        status: 401,
        detail: 'the bearer token is neither the admin token nor an API key',
        code: 'PROVISIONING.ADMIN_TOKEN_REQUIRED',
        instance: '/v1/admin/runs',
      },
    });
  });

  it('closes every route of a controller it decorates, and only the route it decorates', async () => {
    expect((await send('POST', '/v1/admin/runs', `Bearer ${TOKEN}`, { asOf: '2027-01-01' })).body).toEqual({
      ran: '2027-01-01',
    });
    expect((await send('POST', '/v1/admin/runs', `Bearer ${TOKEN}`, { asOf: 7 })).status).toBe(400);
    expect((await send('GET', '/v1/things')).status).toBe(200);
    expect((await send('POST', '/v1/things')).status).toBe(401);
    expect((await send('POST', '/v1/things', `Bearer ${TOKEN}`)).status).toBe(201);
  });
});
