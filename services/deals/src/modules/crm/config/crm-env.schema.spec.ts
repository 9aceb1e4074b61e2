import { InvalidConfigurationError } from '@o2c/platform';
import { DEFAULT_SALESFORCE_MAPPING } from '../salesforce/salesforce-opportunity.mapper';
import { crmEnvFrom, salesforceMappingOptions } from './crm-env.schema';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    crmEnvFrom(env);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected the settings to be refused');
}

describe(crmEnvFrom.name, () => {
  it('leaves both adapters off when nothing is set, ignoring the service’s other settings', () => {
    const sut = crmEnvFrom({ PORT: 3001, DEALS_WEBHOOK_SECRETS: 'whsec_abc' });
    expect(sut.HUBSPOT_CLIENT_SECRETS).toBeUndefined();
    expect(sut.SALESFORCE_WEBHOOK_SECRETS).toBeUndefined();
  });

  it('reads the secrets and the public URL, with a gateway prefix if there is one', () => {
    expect(
      crmEnvFrom({
        HUBSPOT_CLIENT_SECRETS: 's',
        HUBSPOT_WEBHOOK_BASE_URL: 'https://api.example.com:8443/o2c-deals',
      }).HUBSPOT_WEBHOOK_BASE_URL,
    ).toBe('https://api.example.com:8443/o2c-deals');
    const sut = crmEnvFrom({
      HUBSPOT_CLIENT_SECRETS: 'old-secret new-secret',
      HUBSPOT_WEBHOOK_BASE_URL: 'https://o2c.example.com',
      SALESFORCE_WEBHOOK_SECRETS: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    });
    expect(sut).toMatchObject({
      HUBSPOT_CLIENT_SECRETS: 'old-secret new-secret',
      HUBSPOT_WEBHOOK_BASE_URL: 'https://o2c.example.com',
    });
  });

  it('names every bad variable', () => {
    expect(
      problemsOf({
        HUBSPOT_CLIENT_SECRETS: 'secret',
        HUBSPOT_WEBHOOK_BASE_URL: 'https://o2c.example.com/v1/',
        SALESFORCE_WEBHOOK_SECRETS: 'plain-secret',
      }),
    ).toEqual([
      'HUBSPOT_WEBHOOK_BASE_URL must be the public URL HubSpot posts to without the /v1/... path of the service and without a trailing slash (https://o2c.example.com)',
      'SALESFORCE_WEBHOOK_SECRETS must be whsec_<base64> secrets separated by single spaces',
    ]);
    expect(problemsOf({ HUBSPOT_CLIENT_SECRETS: 'secret' })).toEqual([
      'HUBSPOT_WEBHOOK_BASE_URL must be the public URL HubSpot posts to without the /v1/... path of the service and without a trailing slash (https://o2c.example.com)',
    ]);
  });

  it("maps Salesforce with today's Types and no default currency when nothing is set", () => {
    expect(salesforceMappingOptions(crmEnvFrom({}))).toEqual(DEFAULT_SALESFORCE_MAPPING);
  });

  it("reads a single-currency org's currency and the Type lists, comma-separated and trimmed", () => {
    const sut = crmEnvFrom({
      SALESFORCE_DEFAULT_CURRENCY: 'USD',
      SALESFORCE_TYPE_NEW: 'New Customer, Wholesale Numbers',
      SALESFORCE_TYPE_RENEWAL: 'Existing Customer - Renewal',
      SALESFORCE_TYPE_AMENDMENT: 'Existing Customer - Upgrade,Existing Customer - Downgrade',
    });
    expect(salesforceMappingOptions(sut)).toEqual({
      defaultCurrency: 'USD',
      types: {
        new: ['New Customer', 'Wholesale Numbers'],
        renewal: ['Existing Customer - Renewal'],
        amendment: ['Existing Customer - Upgrade', 'Existing Customer - Downgrade'],
      },
    });
    // Empty: no Type is new, only an Opportunity without one.
    expect(salesforceMappingOptions(crmEnvFrom({ SALESFORCE_TYPE_NEW: '' })).types.new).toEqual([]);
  });

  it('names a bad currency, an empty Type and a Type in two lists', () => {
    expect(
      problemsOf({
        SALESFORCE_DEFAULT_CURRENCY: 'usd',
        SALESFORCE_TYPE_NEW: 'New Customer,,Wholesale',
        SALESFORCE_TYPE_RENEWAL: 'Renewal',
      }),
    ).toEqual([
      'SALESFORCE_DEFAULT_CURRENCY must be an ISO 4217 currency code in upper case (EUR, USD)',
      'SALESFORCE_TYPE_NEW must be Salesforce Type values separated by commas, without an empty one, and none of them also in SALESFORCE_TYPE_RENEWAL or SALESFORCE_TYPE_AMENDMENT',
    ]);
    expect(problemsOf({ SALESFORCE_DEFAULT_CURRENCY: 'XYZ' })).toHaveLength(1);
    expect(problemsOf({ SALESFORCE_TYPE_RENEWAL: 'Renewal', SALESFORCE_TYPE_AMENDMENT: 'renewal' })).toEqual([
      'SALESFORCE_TYPE_RENEWAL must be Salesforce Type values separated by commas, without an empty one, and none of them also in SALESFORCE_TYPE_NEW or SALESFORCE_TYPE_AMENDMENT',
      'SALESFORCE_TYPE_AMENDMENT must be Salesforce Type values separated by commas, without an empty one, and none of them also in SALESFORCE_TYPE_NEW or SALESFORCE_TYPE_RENEWAL',
    ]);
  });
});
