import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type StoredVersion } from '../../domain/contract-history';
import { ContractRepository } from '../../infra/contract.repository';
import { SubscriptionsError, SubscriptionsErrorCode } from '../../domain/subscriptions.errors';

/** A contract's stored versions, oldest first; an unknown contract is `SUBSCRIPTIONS.CONTRACT_NOT_FOUND`. */
@Injectable()
export class GetContractHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contracts: ContractRepository,
  ) {}

  async execute(contractId: string): Promise<StoredVersion[]> {
    const stored = await this.contracts.history(this.dataSource.manager, contractId);
    if (stored.length === 0) {
      throw new SubscriptionsError(
        SubscriptionsErrorCode.ContractNotFound,
        `Contract ${contractId} does not exist`,
      );
    }
    return stored;
  }
}
