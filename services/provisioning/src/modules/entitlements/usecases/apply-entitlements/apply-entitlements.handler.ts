import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '@o2c/clock';
import { EventTypes, type LicenseRevokedV1, type LicenseStateV1 } from '@o2c/contracts';
import { Outbox } from '@o2c/messaging';
import { type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { DeliveryRepository } from '../../../deliveries/infra/delivery.repository';
import { WALL_CLOCK } from '../../../deliveries/wall-clock';
import { LicenceKeyRing } from '../../../licences/domain/licence-key-ring';
import { LicenceRepository } from '../../../licences/infra/licence.repository';
import {
  awaitingRenewal,
  basisOn,
  changesBetween,
  endedOn,
  type EntitlementChange,
  entitlementsOn,
  nextChangeAfter,
} from '../../domain/entitlement-timeline';
import {
  entitlementWebhookOf,
  publicEntitlement,
  type WebhookLicence,
} from '../../domain/entitlement-webhook';
import { type ContractRow, EntitlementRepository } from '../../infra/entitlement.repository';

export type LicenceEvent = 'provisioned' | 'updated' | 'revoked';

export interface ApplyOutcome {
  readonly contractId: string;
  readonly changes: readonly EntitlementChange[];
  readonly licenceEvent?: LicenceEvent;
}

const LICENCE_EVENT_TYPES = {
  provisioned: EventTypes.licenseProvisioned,
  updated: EventTypes.licenseUpdated,
  revoked: EventTypes.licenseRevoked,
} as const;

/**
 * Brings one locked contract's entitlements to what it grants on `asOf`. When anything changed: a new
 * signed licence (or its revocation once nothing is left) with its `o2c.license.*.v1` event through the
 * outbox, the history of every change, and a webhook per changed product, all in the caller's transaction.
 * Applying the same day twice changes nothing.
 */
@Injectable()
export class ApplyEntitlementsHandler {
  constructor(
    private readonly entitlements: EntitlementRepository,
    private readonly licences: LicenceRepository,
    private readonly keys: LicenceKeyRing,
    private readonly outbox: Outbox,
    private readonly deliveries: DeliveryRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WALL_CLOCK) private readonly wallClock: Clock,
  ) {}

  async execute(manager: EntityManager, contract: ContractRow, asOf: string): Promise<ApplyOutcome> {
    const { contractId, accountId } = contract;
    const versions = await this.entitlements.versions(manager, contractId);
    const before = await this.entitlements.entitlements(manager, contractId);
    const after = awaitingRenewal(versions, asOf) ? before : entitlementsOn(versions, asOf);
    const changes = changesBetween(before, after, (product) => endedOn(versions, product, asOf));
    const now = this.clock.now();
    await this.entitlements.markProvisioned(manager, contractId, asOf, nextChangeAfter(versions, asOf), now);
    if (changes.length === 0) return { contractId, changes };

    const basis = basisOn(versions, asOf)!; // something changed, so some version is in force
    const issuedAt = now.toISOString();
    const active = await this.licences.active(manager, contractId);
    let licence: WebhookLicence;
    let licenceEvent: LicenceEvent;
    if (after.length > 0) {
      licenceEvent = active ? 'updated' : 'provisioned';
      const licenseId = active?.licenceId ?? uuidv7();
      const claims = {
        licenseId,
        accountId,
        contractId,
        entitlements: after.map(publicEntitlement),
        issuedAt,
      };
      const state: LicenseStateV1 = { ...claims, licenseKey: this.keys.sign(claims), keyId: this.keys.keyId };
      await this.licences.save(manager, state);
      await this.publish(manager, licenceEvent, accountId, licenseId, state);
      licence = { licenseId, keyId: state.keyId, status: 'active', licenseKey: state.licenseKey };
    } else {
      if (!active) throw new Error(`contract ${contractId} had entitlements but no active licence`);
      licenceEvent = 'revoked';
      const revoked: LicenseRevokedV1 = {
        licenseId: active.licenceId,
        accountId,
        contractId,
        keyId: active.keyId,
        reason: basis.data.status === 'cancelled' ? 'contract_cancelled' : 'contract_ended',
        effectiveDate: changes.map((c) => c.effectiveDate).sort()[0]!,
        revokedAt: issuedAt,
      };
      await this.licences.revoke(manager, active.licenceId, issuedAt);
      await this.publish(manager, licenceEvent, accountId, active.licenceId, revoked);
      licence = { licenseId: active.licenceId, keyId: active.keyId, status: 'revoked' };
    }

    await this.entitlements.replaceEntitlements(
      manager,
      contract,
      licence.licenseId,
      after,
      changes.map((change) => ({
        ...change,
        accountId,
        contractId,
        appliedAsOf: asOf,
        event: { id: basis.eventId, type: basis.type, contractVersion: basis.version },
        licenseId: licence.licenseId,
        licenceEvent: LICENCE_EVENT_TYPES[licenceEvent],
        recordedAt: issuedAt,
      })),
      now,
    );
    await this.deliveries.enqueue(
      manager,
      changes.map((change) => {
        const body = entitlementWebhookOf(change, { accountId, contractId, issuedAt, licence });
        return {
          accountId,
          contractId,
          product: change.product,
          type: body.type,
          payload: JSON.stringify(body),
        };
      }),
      this.wallClock.now(),
    );
    return { contractId, changes, licenceEvent };
  }

  private async publish(
    manager: EntityManager,
    event: LicenceEvent,
    accountId: string,
    licenseId: string,
    data: object,
  ): Promise<void> {
    await this.outbox.record(manager, {
      type: LICENCE_EVENT_TYPES[event],
      key: accountId,
      subject: `licence/${licenseId}`,
      data,
    });
  }
}
