import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import {
  CLOCK,
  type Clock,
  EventTypes,
  type LicenseProvisionedV1,
  type SubscriptionActivatedV1,
} from '@o2c/contracts';
import { type InboxContext, NonRetryableError, Outbox } from '@o2c/messaging';
import { v7 as uuidv7 } from 'uuid';
import { entitlementsOf } from '../domain/entitlements';
import { LicenceSigner } from '../domain/licence-signer';

/** A new contract that grants anything gets its first signed licence and `o2c.license.provisioned.v1`. */
@Controller()
export class ProvisionLicenceWhenSubscriptionActivatedConsumer {
  constructor(
    private readonly outbox: Outbox,
    private readonly signer: LicenceSigner,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @EventPattern<string>(EventTypes.subscriptionActivated)
  async handle(@Payload() contract: SubscriptionActivatedV1, @Ctx() ctx: InboxContext): Promise<void> {
    const entitlements = entitlementsOf(contract);
    if (entitlements.length === 0) return; // services only (onboarding, training): nothing to switch on
    const existing = await ctx.manager.query<unknown[]>(`SELECT 1 FROM licence WHERE contract_id = $1`, [
      contract.contractId,
    ]);
    if (existing.length > 0) {
      // A second activation of one contract is an upstream fault, not a transient one: no retries.
      throw new NonRetryableError(`contract ${contract.contractId} already has its licence`);
    }
    const licenseId = uuidv7();
    const issuedAt = this.clock.now().toISOString();
    const claims = {
      licenseId,
      accountId: contract.accountId,
      contractId: contract.contractId,
      entitlements,
      issuedAt,
    };
    const licence: LicenseProvisionedV1 = {
      ...claims,
      licenseKey: this.signer.sign(claims),
      keyId: this.signer.keyId,
    };
    await ctx.manager.query(
      `INSERT INTO licence (licence_id, contract_id, account_id, state, issued_at) VALUES ($1, $2, $3, $4, $5)`,
      [licenseId, contract.contractId, contract.accountId, JSON.stringify(licence), issuedAt],
    );
    await this.outbox.record(ctx.manager, {
      type: EventTypes.licenseProvisioned,
      key: contract.accountId,
      subject: `licence/${licenseId}`,
      data: licence,
    });
  }
}
