import { ABSENT, changed, invalidPaths } from '../../test/schema-check';
import { LicenseProvisionedV1 } from './license-provisioned.v1';
import { LicenseRevokedV1 } from './license-revoked.v1';
import { LicenseUpdatedV1 } from './license-updated.v1';
import { provisioned, revoked } from '../examples';

describe('licence events', () => {
  it.each([
    [LicenseProvisionedV1, 'o2c.license.provisioned.v1'],
    [LicenseUpdatedV1, 'o2c.license.updated.v1'],
    [LicenseRevokedV1, 'o2c.license.revoked.v1'],
  ])('publishes %p as its ce_type on o2c.licenses.v1', (schema, ceType) => {
    expect(schema.ceType).toBe(ceType);
    expect(schema.topic).toBe('o2c.licenses.v1');
  });

  it.each<[string, new () => object, object]>([
    ['provisioned', LicenseProvisionedV1, provisioned()],
    ['updated', LicenseUpdatedV1, provisioned()],
    ['revoked', LicenseRevokedV1, revoked()],
  ])('accepts a valid %s licence', (_case, schema, data) => {
    expect(invalidPaths(schema, data)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a key that is not a compact JWS', { licenseKey: 'not a jws' }, ['licenseKey']],
    ['no entitlements', { entitlements: [] }, ['entitlements']],
    ['fractional seats', { 'entitlements.0.seats': 2.5 }, ['entitlements.0.seats']],
    [
      'a feature that is not a string',
      { 'entitlements.0.features': ['sso', 3] },
      ['entitlements.0.features'],
    ],
    [
      'a validity ending before it starts',
      { 'entitlements.0.validTo': '2026-01-31' },
      ['entitlements.0.validTo'],
    ],
    ['an issuedAt that is a date', { issuedAt: '2026-01-20' }, ['issuedAt']],
  ])('refuses a licence with %s', (_case, changes, paths) => {
    expect(invalidPaths(LicenseUpdatedV1, changed(provisioned(), changes))).toEqual(paths);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['an unknown reason', { reason: 'fraud' }, ['reason']],
    ['no revokedAt', { revokedAt: ABSENT }, ['revokedAt']],
    ['a licence key', { licenseKey: provisioned().licenseKey }, ['licenseKey']],
  ])('refuses a revocation with %s', (_case, changes, paths) => {
    expect(invalidPaths(LicenseRevokedV1, changed(revoked(), changes))).toEqual(paths);
  });
});
