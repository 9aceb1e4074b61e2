import { type RetryPolicy } from '../modules/deliveries/domain/retry-policy';
import { parseAllowedHosts, parseTargets } from '../modules/deliveries/domain/delivery-targets';
import { type ProvisioningEnv } from './env.schema';

/** The validated environment, read into what the code uses. */
export interface ProvisioningSettings {
  readonly targets: ReadonlyMap<string, URL>;
  readonly webhookSecrets: readonly string[];
  readonly retry: RetryPolicy;
  readonly deliveryTimeoutMs: number;
  readonly deliveryPollMs: number;
}

export const PROVISIONING_SETTINGS = Symbol('PROVISIONING_SETTINGS');

export function provisioningSettingsOf(env: ProvisioningEnv): ProvisioningSettings {
  return {
    targets: parseTargets(env.PROVISIONING_TARGETS, parseAllowedHosts(env.PROVISIONING_ALLOWED_HOSTS)),
    webhookSecrets: env.PROVISIONING_WEBHOOK_SECRETS.split(/\s+/).filter(Boolean),
    retry: {
      maxAttempts: env.PROVISIONING_DELIVERY_MAX_ATTEMPTS,
      initialDelayMs: env.PROVISIONING_DELIVERY_RETRY_INITIAL_MS,
      maxDelayMs: env.PROVISIONING_DELIVERY_RETRY_MAX_MS,
    },
    deliveryTimeoutMs: env.PROVISIONING_DELIVERY_TIMEOUT_MS,
    deliveryPollMs: env.PROVISIONING_DELIVERY_POLL_MS,
  };
}
