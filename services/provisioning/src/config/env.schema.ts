import { ServiceEnv } from '@o2c/platform';

/** Settings of the provisioning service; see ServiceEnv for the ones every service shares. */
export class ProvisioningEnv extends ServiceEnv {
  override PORT = 3004;
}
