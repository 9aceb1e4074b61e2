import { apiKeyDigest, InvalidConfigurationError } from '@o2c/platform';
import { startServiceForTest, type RunningService } from '@o2c/testing';
import { dealsService } from '../../src/app.module';
import { type DealsEnv } from '../../src/config/env.schema';
import { SECRET } from './support/deal-webhook';
import { admin, ADMIN_TOKEN } from './support/ops';

// Operations credentials with scopes, on the running service: ADMIN_TOKEN holds every scope, an API key only
// those of its entry in API_KEYS (two keys active at once, as during a rotation).

const READER = 'o2c_reader-0123456789abcdef0123456789';
const OPERATOR = 'o2c_operator-0123456789abcdef01234567';
let sut: RunningService<DealsEnv>;

beforeAll(async () => {
  sut = await startServiceForTest(dealsService, {
    DEALS_WEBHOOK_SECRETS: SECRET,
    ADMIN_TOKEN,
    API_KEYS: JSON.stringify([
      { id: 'ops-reader', sha256: apiKeyDigest(READER), scopes: ['deals:read'] },
      {
        id: 'ops-operator',
        sha256: apiKeyDigest(OPERATOR),
        scopes: ['deals:read', 'deals:replay', 'dead-letters:read'],
      },
    ]),
  });
});

afterAll(() => sut.stop());

const call = async (key: string, path: string, method = 'GET', body?: unknown) => {
  const response = await admin(sut.baseUrl, path, { method, body, authorization: `Bearer ${key}` });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('operations API keys with scopes', () => {
  it('lets each key do what its scopes allow, and ADMIN_TOKEN everything', async () => {
    expect((await call(READER, '/v1/deals')).status).toBe(200);
    expect((await call(OPERATOR, '/v1/deals')).status).toBe(200);
    expect((await call(OPERATOR, '/v1/admin/dead-letters')).status).toBe(200);
    expect((await call(OPERATOR, '/v1/deals/replay', 'POST', { ids: ['no-such-deal'] })).status).toBe(200);
    expect((await call(ADMIN_TOKEN, '/v1/admin/dead-letters')).status).toBe(200);
    expect((await call(ADMIN_TOKEN, '/v1/deals/replay', 'POST', { ids: ['no-such-deal'] })).status).toBe(200);
  });

  it('answers 403 naming the key and the scope it lacks, before the request is read', async () => {
    expect(await call(READER, '/v1/deals/replay', 'POST', { ids: 'not an array' })).toEqual({
      status: 403,
      body: {
        type: 'about:blank',
        title: 'Scope required',
        status: 403,
        detail: 'the API key "ops-reader" does not hold the scope "deals:replay"',
        code: 'DEALS.SCOPE_REQUIRED',
        instance: '/v1/deals/replay',
      },
    });
    expect((await call(READER, '/v1/admin/dead-letters')).body['detail']).toBe(
      'the API key "ops-reader" does not hold the scope "dead-letters:read"',
    );
    expect((await call(OPERATOR, '/v1/catalog/SEAT-PRO', 'PUT', {})).body['detail']).toBe(
      'the API key "ops-operator" does not hold the scope "catalog:write"',
    );
  });

  it('answers 401 to a key that is not configured, and to the stored digest presented as a key', async () => {
    for (const key of [`${READER}0`, apiKeyDigest(READER)]) {
      expect(await call(key, '/v1/deals')).toMatchObject({
        status: 401,
        body: {
          detail: 'the bearer token is neither the admin token nor an API key',
          code: 'DEALS.ADMIN_TOKEN_REQUIRED',
        },
      });
    }
  });

  it('refuses to start with API_KEYS it cannot use, naming the entry and the field', async () => {
    await expect(
      startServiceForTest(dealsService, {
        DEALS_WEBHOOK_SECRETS: SECRET,
        API_KEYS: JSON.stringify([{ id: 'ops-x', sha256: apiKeyDigest('k'), scopes: ['deals:delete'] }]),
      }),
    ).rejects.toThrow(InvalidConfigurationError);
    await expect(
      startServiceForTest(dealsService, {
        DEALS_WEBHOOK_SECRETS: SECRET,
        API_KEYS: JSON.stringify([{ id: 'ops-x', sha256: apiKeyDigest('k'), scopes: ['deals:delete'] }]),
      }),
    ).rejects.toThrow('API_KEYS[0].scopes has an unknown scope "deals:delete"');
  });
});
