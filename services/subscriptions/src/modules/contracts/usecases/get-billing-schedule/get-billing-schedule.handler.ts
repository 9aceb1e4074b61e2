import { Injectable } from '@nestjs/common';
import { type BillingSchedule, billingScheduleOf } from '../../domain/billing-schedule';
import { engineHistory } from '../../domain/contract-history';
import { GetContractHandler } from '../get-contract/get-contract.handler';

/** The documents of a contract's current term and first renewal, from its stored history (`billingScheduleOf`). */
@Injectable()
export class GetBillingScheduleHandler {
  constructor(private readonly contract: GetContractHandler) {}

  async execute(contractId: string): Promise<BillingSchedule> {
    return billingScheduleOf(engineHistory(await this.contract.execute(contractId)));
  }
}
