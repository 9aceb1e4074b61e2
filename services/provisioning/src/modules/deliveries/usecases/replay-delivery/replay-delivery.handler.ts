import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type Clock } from '@o2c/clock';
import { ProvisioningError, ProvisioningErrorCode } from '../../../../errors/provisioning.errors';
import { DeliveryRepository, type DeliveryView } from '../../infra/delivery.repository';
import { WALL_CLOCK } from '../../wall-clock';

/** Sends a delivery again from now, with a fresh round of attempts; its log keeps the earlier ones. */
@Injectable()
export class ReplayDeliveryHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveryRepository,
    @Inject(WALL_CLOCK) private readonly clock: Clock,
  ) {}

  async execute(id: string): Promise<DeliveryView> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.deliveries.replay(manager, id, this.clock.now()))) {
        throw new ProvisioningError(ProvisioningErrorCode.DeliveryNotFound, `no delivery ${id}`);
      }
      return (await this.deliveries.find(manager, id))!;
    });
  }
}
