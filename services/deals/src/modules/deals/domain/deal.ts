import { type DealClosedV1, type DealLineV1 } from '@o2c/contracts';

/** Where a deal stands after intake (deal-webhook.md). Wire values of the API and of the `deal` table. */
export const DealStatuses = ['accepted', 'rejected', 'held'] as const;
export type DealStatus = (typeof DealStatuses)[number];

/**
 * One line of a closed deal as the CRM sends it: the catalog entry is looked up by `sku` at intake. An
 * amendment's line that changes an existing line may leave `sku` out; intake takes it from the contract.
 */
export type ClosedDealLine = Omit<DealLineV1, 'catalog' | 'sku'> & { sku?: string };

/** A closed deal as the CRM sends it (the webhook body's `deal`), before intake adds the contract and catalog. */
export type ClosedDeal = Omit<DealClosedV1, 'dealId' | 'contractId' | 'lines'> & {
  id: string;
  lines: ClosedDealLine[];
};

/** Why a well-formed deal cannot be billed: where (a path in the deal, `lines.0.sku`) and what. */
export interface BillabilityProblem {
  readonly path: string;
  readonly message: string;
}

/** A problem as one line of text, `lines.0.sku: unknown SKU X` (the `reasons` of the API). */
export function reasonOf(problem: BillabilityProblem): string {
  return `${problem.path}: ${problem.message}`;
}
