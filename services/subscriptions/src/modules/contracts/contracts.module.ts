import { Module } from '@nestjs/common';
import { CreateContractWhenDealClosedConsumer } from './consumers/create-contract-when-deal-closed.consumer';

@Module({ controllers: [CreateContractWhenDealClosedConsumer] })
export class ContractsModule {}
