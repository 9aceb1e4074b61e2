import { type DealClosedV1 } from '@o2c/contracts';

/** Whether a deal may change its contract, before the billing rules are applied: what is refused, and why. */
export type DealAdmission =
  | { readonly kind: 'apply' }
  /** The same deal id and revision again (another event id): nothing to do. */
  | { readonly kind: 'duplicate' }
  /** Retrying cannot change the answer: the deal is refused with this reason. */
  | { readonly kind: 'refused'; readonly reason: string };

const APPLY: DealAdmission = { kind: 'apply' };

/** A deal against the version some revision of it made already (if any): only its first revision changes a contract. */
export function admissionAfterEarlierRevision(
  deal: Pick<DealClosedV1, 'dealId' | 'revision'>,
  applied: { readonly contractId: string; readonly revision: number } | undefined,
): DealAdmission {
  if (applied === undefined) return APPLY;
  if (applied.revision === deal.revision) return { kind: 'duplicate' };
  return {
    kind: 'refused',
    reason: `deal ${deal.dealId} revision ${applied.revision} already changed contract ${applied.contractId}; revision ${deal.revision} is not applied (change a signed deal with an amendment)`,
  };
}

/** A deal against its contract's existence: a new deal creates it, every other kind changes it. */
export function admissionForContract(
  deal: Pick<DealClosedV1, 'dealId' | 'kind' | 'contractId'>,
  contractExists: boolean,
): DealAdmission {
  if (deal.kind === 'new' && contractExists) {
    return {
      kind: 'refused',
      reason: `contract ${deal.contractId} exists already; deal ${deal.dealId} cannot create it again`,
    };
  }
  if (deal.kind !== 'new' && !contractExists) {
    return {
      kind: 'refused',
      reason: `deal ${deal.dealId} (${deal.kind}) names contract ${deal.contractId}, which does not exist`,
    };
  }
  return APPLY;
}
