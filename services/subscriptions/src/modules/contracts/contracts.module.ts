import { Module } from '@nestjs/common';
import { ContractsHttpController } from './api/contracts.http.controller';
import { ApplyDealWhenDealClosedConsumer } from './consumers/apply-deal-when-deal-closed.consumer';
import { ContractRepository } from './infra/contract.repository';
import { ApplyDealHandler } from './usecases/apply-deal/apply-deal.handler';
import { GetBillingScheduleHandler } from './usecases/get-billing-schedule/get-billing-schedule.handler';
import { GetContractHandler } from './usecases/get-contract/get-contract.handler';
import { RecordContractVersion } from './usecases/record-contract-version';
import { RenewContractsHandler } from './usecases/renew-contracts/renew-contracts.handler';
import { RenewalJob } from './usecases/renew-contracts/renewal.job';

@Module({
  controllers: [ApplyDealWhenDealClosedConsumer, ContractsHttpController],
  providers: [
    ContractRepository,
    RecordContractVersion,
    ApplyDealHandler,
    GetContractHandler,
    GetBillingScheduleHandler,
    RenewContractsHandler,
    RenewalJob,
  ],
})
export class ContractsModule {}
