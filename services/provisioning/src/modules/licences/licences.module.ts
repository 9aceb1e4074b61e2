import { Module } from '@nestjs/common';
import { SERVICE_ENV } from '@o2c/platform';
import { type ProvisioningEnv } from '../../config/env.schema';
import { LicencesHttpController } from './api/licences.http.controller';
import { LicenceKeyRing, parseRetiredKeys } from './domain/licence-key-ring';
import { LicenceRepository } from './infra/licence.repository';

@Module({
  controllers: [LicencesHttpController],
  providers: [
    LicenceRepository,
    {
      provide: LicenceKeyRing,
      inject: [SERVICE_ENV],
      useFactory: (env: ProvisioningEnv) =>
        new LicenceKeyRing(
          env.PROVISIONING_SIGNING_KEY,
          env.PROVISIONING_SIGNING_KEY_ID,
          parseRetiredKeys(env.PROVISIONING_VERIFY_KEYS),
        ),
    },
  ],
  exports: [LicenceKeyRing, LicenceRepository],
})
export class LicencesModule {}
