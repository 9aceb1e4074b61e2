import { Module } from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { type ProvisioningEnv } from '../../config/env.schema';
import { ProvisionLicenceWhenSubscriptionActivatedConsumer } from './consumers/provision-licence-when-subscription-activated.consumer';
import { LicenceSigner } from './domain/licence-signer';

@Module({
  controllers: [ProvisionLicenceWhenSubscriptionActivatedConsumer],
  providers: [
    {
      provide: LicenceSigner,
      inject: [SERVICE_ENV],
      useFactory: (env: ProvisioningEnv) =>
        new LicenceSigner(env.PROVISIONING_SIGNING_KEY, env.PROVISIONING_SIGNING_KEY_ID),
    },
  ],
})
export class LicencesModule {}
