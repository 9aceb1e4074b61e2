import { isKnownCurrency } from '@o2c/money';
import { validateEnv } from '@o2c/platform';
import { type SalesforceMappingOptions } from '../salesforce/salesforce-opportunity.mapper';
import { IsOptional, Matches, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

/** The Salesforce `Type` values that mean a new contract when SALESFORCE_TYPE_NEW is not set. */
export const DEFAULT_SALESFORCE_NEW_TYPES = 'New Customer,New Business';

/** The entries of a comma-separated list setting, trimmed; an empty or blank setting is an empty list. */
export function listSetting(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => entry.trim());
}

const TYPE_SETTINGS = [
  'SALESFORCE_TYPE_NEW',
  'SALESFORCE_TYPE_RENEWAL',
  'SALESFORCE_TYPE_AMENDMENT',
] as const;

/** A comma-separated list of Salesforce `Type` picklist values: no empty entry, none in another such list. */
function IsTypeList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isSalesforceTypeList',
      validator: {
        validate: (value: unknown, args) => {
          if (value === undefined) return true;
          if (typeof value !== 'string') return false;
          const entries = listSetting(value);
          if (entries.some((entry) => entry === '')) return false;
          const env = args?.object as Partial<Record<(typeof TYPE_SETTINGS)[number], string>>;
          const others = TYPE_SETTINGS.filter((name) => name !== args?.property).flatMap((name) =>
            listSetting(env[name]).map((entry) => entry.toLowerCase()),
          );
          return !entries.some((entry) => others.includes(entry.toLowerCase()));
        },
        defaultMessage: (args) =>
          `${args?.property} must be Salesforce Type values separated by commas, without an empty one, ` +
          `and none of them also in ${TYPE_SETTINGS.filter((name) => name !== args?.property).join(' or ')}`,
      },
    },
    options,
  );
}

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

  /**
   * The org's currency (ISO 4217), for an Opportunity without `CurrencyIsoCode`: the field exists only
   * in orgs with multi-currency on. Unset: such an Opportunity is refused (400) naming the field.
   */
  @IsOptional()
  @ValidateBy({
    name: 'isKnownCurrency',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && /^[A-Z]{3}$/.test(value) && isKnownCurrency(value),
      defaultMessage: () =>
        'SALESFORCE_DEFAULT_CURRENCY must be an ISO 4217 currency code in upper case (EUR, USD)',
    },
  })
  SALESFORCE_DEFAULT_CURRENCY?: string;

  /** Opportunity `Type` values (comma-separated, any case) that make a new contract; an unset Type does too. */
  @IsOptional()
  @IsTypeList()
  SALESFORCE_TYPE_NEW?: string = DEFAULT_SALESFORCE_NEW_TYPES;

  /**
   * Opportunity `Type` values that make a renewal of the contract of `O2C_Renews_Opportunity__c` (a CPQ
   * renewal, `SBQQ__RenewedContract__c`, is one whatever its Type). None by default.
   */
  @IsOptional()
  @IsTypeList()
  SALESFORCE_TYPE_RENEWAL?: string;

  /** Opportunity `Type` values that are amendments: refused (422) with the reason, not as an unknown Type. None by default. */
  @IsOptional()
  @IsTypeList()
  SALESFORCE_TYPE_AMENDMENT?: string;
}

/** The adapters' settings out of the service's validated settings, which carry every variable of the environment. */
export function crmEnvFrom(serviceEnv: object): CrmEnv {
  const env = serviceEnv as Partial<Record<keyof CrmEnv, unknown>>;
  return validateEnv(CrmEnv, {
    HUBSPOT_CLIENT_SECRETS: env.HUBSPOT_CLIENT_SECRETS,
    HUBSPOT_WEBHOOK_BASE_URL: env.HUBSPOT_WEBHOOK_BASE_URL,
    SALESFORCE_WEBHOOK_SECRETS: env.SALESFORCE_WEBHOOK_SECRETS,
    SALESFORCE_DEFAULT_CURRENCY: env.SALESFORCE_DEFAULT_CURRENCY,
    SALESFORCE_TYPE_NEW: env.SALESFORCE_TYPE_NEW,
    SALESFORCE_TYPE_RENEWAL: env.SALESFORCE_TYPE_RENEWAL,
    SALESFORCE_TYPE_AMENDMENT: env.SALESFORCE_TYPE_AMENDMENT,
  });
}

/** What the Salesforce mapping takes from the settings: the org's currency and its `Type` values. */
export function salesforceMappingOptions(env: CrmEnv): SalesforceMappingOptions {
  return {
    ...(env.SALESFORCE_DEFAULT_CURRENCY !== undefined
      ? { defaultCurrency: env.SALESFORCE_DEFAULT_CURRENCY }
      : {}),
    types: {
      new: listSetting(env.SALESFORCE_TYPE_NEW ?? DEFAULT_SALESFORCE_NEW_TYPES),
      renewal: listSetting(env.SALESFORCE_TYPE_RENEWAL),
      amendment: listSetting(env.SALESFORCE_TYPE_AMENDMENT),
    },
  };
}
