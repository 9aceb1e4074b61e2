import { apiKeyDigest, OPERATIONS_SCOPES, parseApiKeys } from './api-keys';

const entry = (fields: Record<string, unknown> = {}) => ({
  id: 'ops-alice',
  sha256: apiKeyDigest('o2c_alice'),
  scopes: ['deals:read'],
  ...fields,
});
const parse = (value: unknown) => () => parseApiKeys(JSON.stringify(value));

describe(parseApiKeys.name, () => {
  it('reads several keys, each with its id, digest and scopes; unset or blank is no key', () => {
    const keys = parseApiKeys(
      JSON.stringify([
        entry(),
        entry({ id: 'ops-bob', sha256: apiKeyDigest('o2c_bob'), scopes: ['billing:run'] }),
      ]),
    );
    expect(keys.map((key) => [key.id, key.sha256, [...key.scopes]])).toEqual([
      ['ops-alice', apiKeyDigest('o2c_alice'), ['deals:read']],
      ['ops-bob', apiKeyDigest('o2c_bob'), ['billing:run']],
    ]);
    expect(parseApiKeys(undefined)).toEqual([]);
    expect(parseApiKeys('  ')).toEqual([]);
  });

  it('names the entry and the field that is wrong', () => {
    expect(() => parseApiKeys('[{')).toThrow(/^API_KEYS must be a JSON array .* it is not JSON/);
    expect(parse({ id: 'x' })).toThrow('it is not an array');
    expect(parse(['key'])).toThrow('API_KEYS[0] must be an object');
    expect(parse([entry({ id: 'has space' })])).toThrow('API_KEYS[0].id must be 1 to 63 characters');
    expect(parse([entry({ id: 'admin-token' })])).toThrow('API_KEYS[0].id "admin-token" is reserved');
    expect(parse([entry(), entry({ sha256: apiKeyDigest('other') })])).toThrow(
      'API_KEYS[1].id "ops-alice" is used by an earlier key',
    );
    expect(parse([entry(), entry({ id: 'ops-bob' })])).toThrow(
      "API_KEYS[1].sha256 is the same key as an earlier entry's",
    );
    expect(parse([entry({ sha256: 'o2c_alice' })])).toThrow('API_KEYS[0].sha256 must be the key');
    expect(parse([entry({ sha256: apiKeyDigest('k').toUpperCase() })])).toThrow('API_KEYS[0].sha256');
    expect(parse([entry({ scopes: [] })])).toThrow('API_KEYS[0].scopes must be a non-empty array');
    expect(parse([entry({ scopes: ['deals:write'] })])).toThrow(
      `API_KEYS[0].scopes has an unknown scope "deals:write"; the scopes are ${OPERATIONS_SCOPES.join(', ')}`,
    );
    expect(parse([entry({ role: 'admin' })])).toThrow('API_KEYS[0] has unknown fields: role');
  });
});
