import { InvalidConfigurationError } from '@o2c/platform';
import { crmEnvFrom } from './crm-env.schema';

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
});
