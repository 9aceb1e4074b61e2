import { validateEnv } from '@o2c/platform';
import { IsOptional, Matches, ValidateIf } from 'class-validator';

/** Injection token of the CRM adapters' validated settings (`CrmEnv`). */
export const CRM_ENV = Symbol('CRM_ENV');

/**
 * Settings of the HubSpot and Salesforce adapters, read from the service's environment. An adapter
 * whose secret is unset answers 503 and accepts nothing.
 */
export class CrmEnv {
  /** The HubSpot app's client secret(s) that sign `X-HubSpot-Signature-v3`, space-separated; two during a rotation. (secret) */
  @IsOptional()
  @Matches(/^\S+( \S+)*$/, { message: 'HUBSPOT_CLIENT_SECRETS must be secrets separated by single spaces' })
  HUBSPOT_CLIENT_SECRETS?: string;

  /**
   * The public URL in front of the service, as configured in the HubSpot app (`https://o2c.example.com`,
   * or with the prefix a gateway adds): HubSpot signs the full URL, which a service behind a proxy
   * cannot see. The request's own path (`/v1/webhooks/hubspot/deals`) is appended. Required with the secret.
   */
  @ValidateIf(
    (env: CrmEnv) => env.HUBSPOT_CLIENT_SECRETS !== undefined || env.HUBSPOT_WEBHOOK_BASE_URL !== undefined,
  )
  @Matches(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?(\/[^?#\s]*[^/?#\s])?$/, {
    message:
      'HUBSPOT_WEBHOOK_BASE_URL must be the public URL HubSpot posts to without the /v1/... path of the service and without a trailing slash (https://o2c.example.com)',
  })
  HUBSPOT_WEBHOOK_BASE_URL?: string;

  /** Standard Webhooks secrets (`whsec_<base64>`) the Salesforce callout signs with, space-separated. (secret) */
  @IsOptional()
  @Matches(/^whsec_[A-Za-z0-9+/=]+( whsec_[A-Za-z0-9+/=]+)*$/, {
    message: 'SALESFORCE_WEBHOOK_SECRETS must be whsec_<base64> secrets separated by single spaces',
  })
  SALESFORCE_WEBHOOK_SECRETS?: string;
}

/** The adapters' settings out of the service's validated settings, which carry every variable of the environment. */
export function crmEnvFrom(serviceEnv: object): CrmEnv {
  const env = serviceEnv as Partial<Record<keyof CrmEnv, unknown>>;
  return validateEnv(CrmEnv, {
    HUBSPOT_CLIENT_SECRETS: env.HUBSPOT_CLIENT_SECRETS,
    HUBSPOT_WEBHOOK_BASE_URL: env.HUBSPOT_WEBHOOK_BASE_URL,
    SALESFORCE_WEBHOOK_SECRETS: env.SALESFORCE_WEBHOOK_SECRETS,
  });
}
